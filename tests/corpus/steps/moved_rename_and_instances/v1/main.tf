locals {
  zones = ["eu-west-1a", "eu-west-1b"]
}

resource "terraform_data" "web_server" {
  input = "web-01"
}

resource "terraform_data" "nat" {
  count = length(local.zones)
  input = "nat-${local.zones[count.index]}"
}

resource "terraform_data" "standalone" {
  input = "ephemeral-runner"
}

output "nat" {
  value = terraform_data.nat[*].output
}
