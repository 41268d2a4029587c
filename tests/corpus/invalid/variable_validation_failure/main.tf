variable "environment" {
  type    = string
  default = "production"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "The environment must be one of dev, staging or prod."
  }
}

variable "instance_count" {
  type    = number
  default = 12

  validation {
    condition     = var.instance_count <= 10
    error_message = "At most 10 instances are allowed."
  }
}

output "environment" {
  value = var.environment
}
