locals {
  environment = "staging"
  common_tags = {
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "./modules/network"

  name       = "shop-${local.environment}"
  cidr_block = "10.42.0.0/16"
  zones      = ["eu-west-1a", "eu-west-1b"]
  tags       = local.common_tags
}

module "frontend" {
  source = "./modules/service"

  name       = "frontend"
  subnet_ids = module.network.public_subnet_ids
  port       = 443
  tags       = local.common_tags
}

module "backend" {
  source = "./modules/service"

  name       = "backend"
  subnet_ids = module.network.private_subnet_ids
  tags       = merge(local.common_tags, { Tier = "internal" })
}

output "vpc" {
  value = module.network.vpc
}

output "subnets" {
  value = {
    public  = module.network.public_subnet_cidrs
    private = module.network.private_subnet_cidrs
  }
}

output "endpoints" {
  value = [module.frontend.endpoint, module.backend.endpoint]
}

output "backend_tags" {
  value = module.backend.tags
}
