variable "engine" {
  type = string
}

resource "terraform_data" "cluster" {
  input = var.engine
}

output "engine" {
  value = terraform_data.cluster.output
}
