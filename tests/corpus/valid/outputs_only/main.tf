variable "team" {
  type    = string
  default = "observability"
}

locals {
  dashboards = ["latency", "errors", "saturation"]
}

output "dashboard_urls" {
  value       = [for d in local.dashboards : "https://grafana.example.com/d/${var.team}-${d}"]
  description = "Grafana dashboards owned by the team"
}

output "team" {
  value = var.team
}

output "secret_webhook" {
  value     = "https://hooks.example.com/services/T000/B000/XXXX"
  sensitive = true
}
