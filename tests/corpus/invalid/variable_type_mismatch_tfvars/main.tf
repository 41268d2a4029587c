variable "instance_count" {
  type = number
}

variable "zones" {
  type = list(string)
}

output "count" {
  value = var.instance_count
}
