resource "terraform_data" "customer_db" {
  input            = "customers"
  triggers_replace = "postgres-15"

  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "audit_log" {
  input = "audit"

  lifecycle {
    prevent_destroy = true
  }
}
