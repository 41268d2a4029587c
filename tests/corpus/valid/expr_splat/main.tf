locals {
  subnets = [
    { name = "public-a", cidr = "10.0.1.0/24", tags = { tier = "public" } },
    { name = "public-b", cidr = "10.0.2.0/24", tags = { tier = "public" } },
    { name = "private-a", cidr = "10.0.11.0/24", tags = { tier = "private" } },
  ]
  single_subnet = { name = "db-a", cidr = "10.0.21.0/24" }
  no_subnet     = null
}

resource "terraform_data" "subnet" {
  count = length(local.subnets)
  input = local.subnets[count.index]
}

resource "terraform_data" "zone" {
  for_each = toset(["eu-west-1a", "eu-west-1b"])
  input    = { zone = each.key, short = substr(each.key, -2, 2) }
}

output "names_full_splat" {
  value = local.subnets[*].name
}

output "names_legacy_splat" {
  value = local.subnets.*.name
}

output "tiers" {
  value = local.subnets[*].tags.tier
}

output "single_splat" {
  value = local.single_subnet[*].name
}

output "null_splat" {
  value = local.no_subnet[*]
}

output "resource_splat" {
  value = terraform_data.subnet[*].output.cidr
}

output "resource_legacy_splat" {
  value = terraform_data.subnet.*.output.name
}

output "splat_then_index" {
  value = (local.subnets[*].cidr)[1]
}

output "for_each_values" {
  value = [for z in values(terraform_data.zone) : z.output.short]
}

output "subnet_count" {
  value = length(terraform_data.subnet[*].id)
}
