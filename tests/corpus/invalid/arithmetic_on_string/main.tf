locals {
  base_port = "http"
  port      = local.base_port + 1
}

output "port" {
  value = local.port
}
