variable "ports" {
  type    = list(number)
  default = ["80", 443, "8080"]
}

variable "flags" {
  type = map(bool)
  default = {
    monitoring = "true"
    backups    = false
  }
}

variable "labels" {
  type    = set(string)
  default = ["web", "frontend", "web", 42]
}

variable "settings" {
  type = object({
    name     = string
    replicas = number
    tags     = map(string)
  })
  default = {
    name     = "frontend"
    replicas = "2"
    tags     = { team = "web", cost_center = 1200 }
    extra    = "dropped"
  }
}

variable "anything" {
  type    = any
  default = { count = 3, names = ["a", "b"] }
}

locals {
  to_string       = [tostring(42), tostring(true), tostring("x"), tostring(1.50)]
  to_number       = [tonumber("42"), tonumber("-3.25"), tonumber(7), tonumber("1e2")]
  to_bool         = [tobool("true"), tobool(false), tobool("false")]
  to_list         = tolist(["a", "b", 3])
  to_set          = toset(["b", "a", "b", "c"])
  to_map          = tomap({ a = 1, b = "two" })
  implicit_concat = "replicas: ${var.settings.replicas + 1}"
  num_from_str    = "5" * 2
  str_compare     = "10" == 10
  bool_from_str   = "true" ? "yes" : "no"
  list_of_tuple   = concat([1, 2], ["3"])
  null_tostring   = tostring(null) == null
}

resource "terraform_data" "settings" {
  input = var.settings
}

output "ports" {
  value = var.ports
}

output "flags" {
  value = var.flags
}

output "labels" {
  value = var.labels
}

output "settings" {
  value = terraform_data.settings.output
}

output "anything" {
  value = var.anything
}

output "to_string" {
  value = local.to_string
}

output "to_number" {
  value = local.to_number
}

output "to_bool" {
  value = local.to_bool
}

output "to_list" {
  value = local.to_list
}

output "to_set" {
  value = local.to_set
}

output "to_map" {
  value = local.to_map
}

output "implicit" {
  value = {
    concat        = local.implicit_concat
    num_from_str  = local.num_from_str
    str_compare   = local.str_compare
    bool_from_str = local.bool_from_str
    list_of_tuple = local.list_of_tuple
    null_tostring = local.null_tostring
  }
}
