variable "cluster_name" {
  type = string
}

variable "node_pools" {
  type = map(number)
}

module "naming" {
  source = "../common"

  prefix = var.cluster_name
}

module "logs" {
  source = "../logging"

  group_name     = "${module.naming.prefix}-logs"
  retention_days = 14
}

resource "terraform_data" "node_pool" {
  for_each = var.node_pools
  input = {
    name  = "${module.naming.prefix}-${each.key}"
    nodes = each.value
  }
}

output "cluster" {
  value = {
    name       = var.cluster_name
    pools      = { for k, p in terraform_data.node_pool : k => p.output.name }
    node_total = sum(values(var.node_pools))
  }
}

output "log_group" {
  value = module.logs.group
}

output "naming" {
  value = module.naming
}
