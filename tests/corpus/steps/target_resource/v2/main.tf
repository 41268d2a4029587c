resource "terraform_data" "network" {
  input = "net-v2"
}

resource "terraform_data" "app" {
  input = "app-v2 on ${terraform_data.network.output}"
}

resource "terraform_data" "monitoring" {
  input = "mon-v2"
}

resource "terraform_data" "new_cache" {
  input = "cache"
}

output "app" {
  value = terraform_data.app.output
}

output "monitoring" {
  value = terraform_data.monitoring.output
}
