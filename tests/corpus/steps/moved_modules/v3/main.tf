module "sessions" {
  source = "./modules/cache"
  engine = "redis-7.2"
}

moved {
  from = module.cache
  to   = module.sessions
}

resource "terraform_data" "params" {
  input = { maxmemory_policy = "volatile-lru" }
}

moved {
  from = module.sessions.terraform_data.params
  to   = terraform_data.params
}

output "engine" {
  value = module.sessions.engine
}
