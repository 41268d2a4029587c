locals {
  regions = ["eu-west-1", "us-east-1"]
  ordered = local.regions[0] < local.regions[1]
}

output "ordered" {
  value = local.ordered
}
