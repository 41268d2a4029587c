variable "use_list" {
  type    = bool
  default = true
}

output "value" {
  value = var.use_list ? ["a", "b"] : { a = "b" }
}
