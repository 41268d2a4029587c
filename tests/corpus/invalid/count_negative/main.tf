resource "terraform_data" "node" {
  count = -1
  input = "node"
}
