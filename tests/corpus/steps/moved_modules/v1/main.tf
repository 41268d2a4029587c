resource "terraform_data" "redis" {
  input = "redis-7.2"
}

resource "terraform_data" "redis_params" {
  input = { maxmemory_policy = "allkeys-lru" }
}

output "engine" {
  value = terraform_data.redis.output
}
