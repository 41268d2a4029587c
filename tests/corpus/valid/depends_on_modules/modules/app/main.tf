variable "name" {
  type = string
}

resource "terraform_data" "service" {
  input = var.name
}

output "hostname" {
  value = "${terraform_data.service.output}.svc.internal"
}
