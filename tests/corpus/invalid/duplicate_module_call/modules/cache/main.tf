output "engine" {
  value = "redis"
}
