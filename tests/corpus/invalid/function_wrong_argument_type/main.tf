output "upper" {
  value = upper(["a", "b"])
}

output "keys" {
  value = keys("not a map")
}
