variable "name" {
  type = string
}

variable "storage_gb" {
  type = number
}

output "name" {
  value = var.name
}
