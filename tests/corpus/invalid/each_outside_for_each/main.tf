resource "terraform_data" "app" {
  input = "app-${each.key}-${count.index}"
}
