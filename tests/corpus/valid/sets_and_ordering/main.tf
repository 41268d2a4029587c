locals {
  numbers       = toset([10, 2, 33, 2, -1, 1.5])
  strings       = toset(["zeta", "Alpha", "beta", "alpha", "10", "9"])
  objects       = toset([{ name = "b", port = 2 }, { name = "a", port = 1 }, { name = "b", port = 2 }])
  bools         = toset([true, false, true])
  mixed_to_str  = toset(["x", 1, true])
  map_key_order = { zebra = 1, apple = 2, Mango = 3, "10" = 4, "9" = 5 }
  object_as_map = { for k, v in local.map_key_order : k => v * 2 }
  list_of_sets  = [for s in local.strings : upper(s)]
}

resource "terraform_data" "ordered" {
  for_each = local.strings
  input    = each.value
}

output "numbers" {
  value = local.numbers
}

output "strings" {
  value = local.strings
}

output "objects" {
  value = local.objects
}

output "bools" {
  value = local.bools
}

output "mixed_to_str" {
  value = local.mixed_to_str
}

output "map_keys" {
  value = keys(local.map_key_order)
}

output "object_as_map" {
  value = local.object_as_map
}

output "list_of_sets" {
  value = local.list_of_sets
}

output "resource_keys" {
  value = keys(terraform_data.ordered)
}

output "sorted_numbers" {
  value = sort([for n in local.numbers : tostring(n)])
}
