locals {
  zones = ["eu-west-1a", "eu-west-1b"]
}

resource "terraform_data" "frontend" {
  input = "web-01"
}

moved {
  from = terraform_data.web_server
  to   = terraform_data.frontend
}

resource "terraform_data" "nat" {
  for_each = toset(local.zones)
  input    = "nat-${each.key}"
}

moved {
  from = terraform_data.nat[0]
  to   = terraform_data.nat["eu-west-1a"]
}

moved {
  from = terraform_data.nat[1]
  to   = terraform_data.nat["eu-west-1b"]
}

resource "terraform_data" "runner" {
  count = 1
  input = "ephemeral-runner"
}

moved {
  from = terraform_data.standalone
  to   = terraform_data.runner[0]
}

output "nat" {
  value = values(terraform_data.nat)[*].output
}
