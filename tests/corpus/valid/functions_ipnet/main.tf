variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "vpc_ipv6_cidr" {
  type    = string
  default = "2001:db8:1200::/56"
}

locals {
  azs = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]

  public_subnets  = [for i, az in local.azs : cidrsubnet(var.vpc_cidr, 8, i)]
  private_subnets = [for i, az in local.azs : cidrsubnet(var.vpc_cidr, 4, i + 1)]
  ipv6_subnets    = [for i, az in local.azs : cidrsubnet(var.vpc_ipv6_cidr, 8, i)]
  carved          = cidrsubnets("172.16.0.0/20", 4, 4, 8, 2)
  carved_v6       = cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 8)
}

resource "terraform_data" "subnet" {
  for_each = { for i, az in local.azs : az => i }
  input = {
    cidr      = local.public_subnets[each.value]
    gateway   = cidrhost(local.public_subnets[each.value], 1)
    broadcast = cidrhost(local.public_subnets[each.value], -1)
    netmask   = cidrnetmask(local.public_subnets[each.value])
    ipv6      = local.ipv6_subnets[each.value]
  }
}

output "public_subnets" {
  value = local.public_subnets
}

output "private_subnets" {
  value = local.private_subnets
}

output "ipv6_subnets" {
  value = local.ipv6_subnets
}

output "carved" {
  value = local.carved
}

output "carved_v6" {
  value = local.carved_v6
}

output "hosts" {
  value = {
    first_v4      = cidrhost("192.168.10.0/24", 5)
    last_v4       = cidrhost("192.168.10.0/24", -2)
    v6_host       = cidrhost("2001:db8::/64", 42)
    v6_big        = cidrhost("2001:db8::/32", 4294967296)
    netmask_8     = cidrnetmask("10.0.0.0/8")
    netmask_30    = cidrnetmask("10.1.2.0/30")
    non_canonical = cidrsubnet("10.20.30.40/16", 8, 3)
    zero_bits     = cidrsubnet("10.0.0.0/24", 0, 0)
  }
}

output "subnet_details" {
  value = { for az, s in terraform_data.subnet : az => s.output }
}
