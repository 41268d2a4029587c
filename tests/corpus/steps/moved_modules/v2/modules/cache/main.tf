variable "engine" {
  type = string
}

resource "terraform_data" "cluster" {
  input = var.engine
}

resource "terraform_data" "params" {
  input = { maxmemory_policy = "allkeys-lru" }
}

output "engine" {
  value = terraform_data.cluster.output
}
