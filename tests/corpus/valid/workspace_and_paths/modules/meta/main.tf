output "module_path" {
  value = path.module
}

output "root_path" {
  value = path.root
}

output "readme_first_line" {
  value = split("\n", file("${path.module}/README.txt"))[0]
}
