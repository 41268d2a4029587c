resource "terraform_data" "api" {
  input = "api.internal"
}

output "api_url" {
  value = "https://${terraform_data.api.output}:8443"
}

output "health_url" {
  value = "https://${terraform_data.api.output}:8443/healthz"
}

output "admin_token" {
  value     = "tok-admin"
  sensitive = true
}
