terraform {
  required_version = ">= 2.0.0"
}

resource "terraform_data" "x" {
  input = "x"
}
