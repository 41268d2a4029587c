resource "terraform_data" "app" {
  input = "app-${terraform_data.app.id}"
}

locals {
  loop = local.loop
}
