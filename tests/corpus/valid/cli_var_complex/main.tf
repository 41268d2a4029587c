variable "allowed_ips" {
  type = list(string)
}

variable "instance_types" {
  type = map(string)
}

variable "retention" {
  type    = number
  default = 7
}

variable "maintenance" {
  type = object({
    day  = string
    hour = number
  })
  default = {
    day  = "sun"
    hour = 3
  }
}

variable "enable_waf" {
  type    = bool
  default = false
}

variable "message" {
  type    = string
  default = "default"
}

resource "terraform_data" "policy" {
  input = {
    ips       = var.allowed_ips
    types     = var.instance_types
    retention = var.retention
    waf       = var.enable_waf
    window    = "${var.maintenance.day}@${var.maintenance.hour}"
  }
}

output "policy" {
  value = terraform_data.policy.output
}

output "message" {
  value = var.message
}
