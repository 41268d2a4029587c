variable "replicas" {
  type = number
}

variable "enable_tls" {
  type = bool
}

output "replicas" {
  value = var.replicas
}
