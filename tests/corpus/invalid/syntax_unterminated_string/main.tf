resource "terraform_data" "greeting" {
  input = "hello world
}
