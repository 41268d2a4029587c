variable "service" {
  type = any
  default = {
    name = "search"
    ports = {
      http = 9200
    }
    replicas = "3"
  }
}

locals {
  https_port    = try(var.service.ports.https, 443)
  http_port     = try(var.service.ports.http, 80)
  replicas      = try(tonumber(var.service.replicas), 1)
  owner         = try(var.service.owner.name, var.service.owner, "unassigned")
  first_backend = try(var.service.backends[0], null)
  parsed_json   = try(jsondecode("{not json"), { fallback = true })
  has_ports     = can(var.service.ports)
  has_tls       = can(var.service.tls.cert)
  is_number     = can(tonumber("12a"))
  valid_cidr    = can(cidrhost("10.0.0.0/24", 300))
  regex_ok      = can(regex("^[a-z]+$", var.service.name))
}

resource "terraform_data" "service" {
  input = {
    name     = var.service.name
    http     = local.http_port
    https    = local.https_port
    replicas = local.replicas
  }
}

output "resolved" {
  value = {
    https_port    = local.https_port
    http_port     = local.http_port
    replicas      = local.replicas
    owner         = local.owner
    first_backend = local.first_backend
    parsed_json   = local.parsed_json
  }
}

output "probes" {
  value = {
    has_ports  = local.has_ports
    has_tls    = local.has_tls
    is_number  = local.is_number
    valid_cidr = local.valid_cidr
    regex_ok   = local.regex_ok
  }
}

output "service" {
  value = terraform_data.service.output
}
