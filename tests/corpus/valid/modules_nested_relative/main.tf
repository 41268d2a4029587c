module "platform" {
  source = "./modules/platform"

  cluster_name = "analytics"
  node_pools = {
    general = 3
    memory  = 2
  }
}

output "cluster" {
  value = module.platform.cluster
}

output "log_group" {
  value = module.platform.log_group
}

output "naming" {
  value = module.platform.naming
}
