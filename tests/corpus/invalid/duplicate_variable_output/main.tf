variable "region" {
  type = string
}

variable "region" {
  type = string
}

output "region" {
  value = var.region
}

output "region" {
  value = "eu-west-1"
}
