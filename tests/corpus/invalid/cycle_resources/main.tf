resource "terraform_data" "frontend" {
  input = terraform_data.backend.output
}

resource "terraform_data" "backend" {
  input = terraform_data.frontend.output
}
