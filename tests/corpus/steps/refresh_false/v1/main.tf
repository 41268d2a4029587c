resource "terraform_data" "config" {
  input = { feature = "search", enabled = false }
}

resource "terraform_data" "static" {
  input = "unchanged"
}
