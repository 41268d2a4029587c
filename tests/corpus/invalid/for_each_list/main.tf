resource "terraform_data" "user" {
  for_each = ["alice", "bob"]
  input    = each.value
}
