terraform {
  required_version = "~> 1.11"
}

variable "unused" {
  type    = string
  default = "nothing to do"
}

locals {
  also_unused = upper(var.unused)
}
