locals {
  resources = {
    for name, cidr in local.subnets : name => {
      cidr  = cidr
      hosts = pow(2, 32 - tonumber(split("/", cidr)[1])) - 2
    }
  }
}

resource "terraform_data" "subnet" {
  for_each = local.resources
  input    = each.value
}

output "subnets" {
  value = local.resources
}

output "total_hosts" {
  value = sum([for r in terraform_data.subnet : r.output.hosts])
}
