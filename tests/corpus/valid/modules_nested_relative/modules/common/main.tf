variable "prefix" {
  type = string
}

output "prefix" {
  value = lower(replace(var.prefix, "_", "-"))
}

output "module_path" {
  value = path.module
}

output "root_path" {
  value = path.root
}
