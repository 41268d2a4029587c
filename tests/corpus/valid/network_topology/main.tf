variable "regions" {
  type = map(object({
    cidr = string
    azs  = list(string)
  }))
  default = {
    "eu-west-1" = {
      cidr = "10.10.0.0/16"
      azs  = ["a", "b", "c"]
    }
    "us-east-1" = {
      cidr = "10.20.0.0/16"
      azs  = ["a", "b"]
    }
  }
}

variable "tiers" {
  type    = list(string)
  default = ["public", "app", "data"]
}

locals {
  subnets = merge([
    for region, cfg in var.regions : {
      for pair in setproduct(range(length(var.tiers)), range(length(cfg.azs))) :
      "${region}/${var.tiers[pair[0]]}/${cfg.azs[pair[1]]}" => {
        region = region
        tier   = var.tiers[pair[0]]
        az     = "${region}${cfg.azs[pair[1]]}"
        cidr   = cidrsubnet(cfg.cidr, 4, pair[0] * 4 + pair[1])
      }
    }
  ]...)

  region_names = keys(var.regions)
  peering = [
    for pair in setproduct(range(length(local.region_names)), range(length(local.region_names))) :
    "${local.region_names[pair[0]]}<->${local.region_names[pair[1]]}"
    if pair[0] < pair[1]
  ]

  firewall_rules = flatten([
    for tier_index, tier in var.tiers : [
      for port in(tier == "public" ? [80, 443] : tier == "app" ? [8080] : [5432, 6379]) : {
        tier = tier
        port = port
        from = tier_index == 0 ? "0.0.0.0/0" : "tier:${var.tiers[tier_index - 1]}"
      }
    ]
  ])
}

resource "terraform_data" "subnet" {
  for_each = local.subnets
  input    = each.value
}

output "subnet_cidrs" {
  value = { for k, s in terraform_data.subnet : k => s.output.cidr }
}

output "subnet_count_by_tier" {
  value = { for t in var.tiers : t => length([for s in local.subnets : s if s.tier == t]) }
}

output "peering" {
  value = local.peering
}

output "firewall_rules" {
  value = [for r in local.firewall_rules : "${r.from} -> ${r.tier}:${r.port}"]
}
