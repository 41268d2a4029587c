resource "terraform_data" "db" {
  input = "orders-db"
}

output "endpoint" {
  value = terraform_data.database.output
}
