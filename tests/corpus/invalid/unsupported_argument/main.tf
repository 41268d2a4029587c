resource "terraform_data" "app" {
  input    = "app"
  replicas = 3
}
