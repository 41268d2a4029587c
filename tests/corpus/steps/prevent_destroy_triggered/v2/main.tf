resource "terraform_data" "customer_db" {
  input            = "customers"
  triggers_replace = "postgres-16"

  lifecycle {
    prevent_destroy = true
  }
}
