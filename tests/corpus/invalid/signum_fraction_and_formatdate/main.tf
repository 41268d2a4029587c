output "sign" {
  value = signum(3.2)
}

output "time" {
  value = formatdate("h:mm A", "2024-03-10T02:00:00Z")
}
