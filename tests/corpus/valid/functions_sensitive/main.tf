variable "db_password" {
  type      = string
  default   = "correct-horse-battery-staple"
  sensitive = true
}

variable "db_user" {
  type    = string
  default = "orders_app"
}

locals {
  connection_string = "postgres://${var.db_user}:${var.db_password}@db.internal:5432/orders"
  api_token         = sensitive("tok_live_4242")
  token_length      = length(local.api_token)
  password_hash     = nonsensitive(sha256(var.db_password))
  revealed_user     = nonsensitive(sensitive(var.db_user))
}

resource "terraform_data" "database" {
  input = {
    host     = "db.internal"
    user     = var.db_user
    password = var.db_password
  }
}

resource "terraform_data" "token" {
  input = local.api_token
}

output "checks" {
  value = {
    password_is_sensitive   = issensitive(var.db_password)
    user_is_sensitive       = issensitive(var.db_user)
    conn_is_sensitive       = issensitive(local.connection_string)
    hash_is_sensitive       = issensitive(local.password_hash)
    literal_sensitive       = issensitive(sensitive("x"))
    length_of_sensitive_str = issensitive(local.token_length)
  }
}

output "password_hash" {
  value = local.password_hash
}

output "revealed_user" {
  value = local.revealed_user
}

output "connection_string" {
  value     = local.connection_string
  sensitive = true
}

output "token_length" {
  value     = local.token_length
  sensitive = true
}

output "database_user" {
  value = terraform_data.database.output.user
}

output "database" {
  value     = terraform_data.database.output
  sensitive = true
}
