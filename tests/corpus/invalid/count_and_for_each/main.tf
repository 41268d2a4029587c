resource "terraform_data" "user" {
  count    = 2
  for_each = toset(["alice", "bob"])
  input    = each.value
}
