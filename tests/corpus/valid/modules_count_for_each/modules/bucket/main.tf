variable "name" {
  type = string
}

resource "terraform_data" "bucket" {
  input = "acme-${var.name}"
}

output "bucket_name" {
  value = terraform_data.bucket.output
}
