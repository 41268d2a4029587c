output "joined" {
  value = join(["a", "b"])
}

output "subnet" {
  value = cidrsubnet("10.0.0.0/16", 8)
}
