locals {
  name = "checkout"
  list = [1, 2, 3]
}

output "length" {
  value = local.name.length
}

output "first" {
  value = local.list.first
}
