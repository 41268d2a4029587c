variable "public_port" {
  type    = number
  default = 22
}

output "listener" {
  value = "0.0.0.0:${var.public_port}"

  precondition {
    condition     = var.public_port != 22
    error_message = "SSH must not be exposed publicly."
  }
}
