variable "db_password" {
  type      = string
  sensitive = true
}

variable "db_name" {
  type = string
}

resource "terraform_data" "db" {
  input = var.db_name
}
