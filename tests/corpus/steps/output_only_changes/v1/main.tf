resource "terraform_data" "api" {
  input = "api.internal"
}

output "api_url" {
  value = "http://${terraform_data.api.output}:8080"
}

output "removed_later" {
  value = "legacy"
}
