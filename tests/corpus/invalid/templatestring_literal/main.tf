output "greeting" {
  value = templatestring("Hello, $${name}!", { name = "ops" })
}
