resource "terraform_data" "cache" {
  input = "redis"
}

resource "terraform_data" "cache" {
  input = "memcached"
}
