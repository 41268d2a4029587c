variable "label" {
  type = string
}

resource "terraform_data" "item" {
  for_each = toset(["a", "b"])
  input    = "${var.label}-${each.key}"
}

output "ids" {
  value = { for k, v in terraform_data.item : k => v.id }
}
