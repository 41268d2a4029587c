resource "terraform_data" "web" {
  input = {
    name = "web-01"
    size = "t3.small"
  }

output "name" {
  value = terraform_data.web.output.name
}
