resource "terraform_data" "network" {
  input = "net-v1"
}

resource "terraform_data" "app" {
  input = "app-v1 on ${terraform_data.network.output}"
}

resource "terraform_data" "monitoring" {
  input = "mon-v1"
}

output "app" {
  value = terraform_data.app.output
}

output "monitoring" {
  value = terraform_data.monitoring.output
}
