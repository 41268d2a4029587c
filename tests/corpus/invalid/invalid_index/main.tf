locals {
  zones = ["eu-west-1a", "eu-west-1b"]
  tags  = { team = "web" }
}

output "third_zone" {
  value = local.zones[2]
}

output "owner" {
  value = local.tags["owner"]
}
