locals {
  users = [
    { name = "alice", team = "web" },
    { name = "alice", team = "ops" },
  ]
}

resource "terraform_data" "user" {
  for_each = { for u in local.users : u.name => u }
  input    = each.value.team
}
