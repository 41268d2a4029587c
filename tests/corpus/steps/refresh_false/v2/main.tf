resource "terraform_data" "config" {
  input = { feature = "search", enabled = true }
}

resource "terraform_data" "static" {
  input = "unchanged"
}

output "enabled" {
  value = terraform_data.config.output.enabled
}
