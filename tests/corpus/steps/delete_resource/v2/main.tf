resource "terraform_data" "primary_db" {
  input = "db-primary"
}

output "replicas" {
  value = []
}
