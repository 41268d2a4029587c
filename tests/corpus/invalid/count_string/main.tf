resource "terraform_data" "node" {
  count = "two"
  input = "node"
}
