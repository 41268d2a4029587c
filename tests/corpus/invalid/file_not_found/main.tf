resource "terraform_data" "config" {
  input = file("${path.module}/config/app.yaml")
}
