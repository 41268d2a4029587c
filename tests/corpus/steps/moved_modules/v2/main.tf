module "cache" {
  source = "./modules/cache"
  engine = "redis-7.2"
}

moved {
  from = terraform_data.redis
  to   = module.cache.terraform_data.cluster
}

moved {
  from = terraform_data.redis_params
  to   = module.cache.terraform_data.params
}

output "engine" {
  value = module.cache.engine
}
