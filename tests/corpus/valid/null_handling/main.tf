variable "custom_domain" {
  type    = string
  default = null
}

variable "overrides" {
  type = map(string)
  default = {
    instance_type = null
    ami           = "ami-0abc1234"
  }
}

locals {
  domain          = coalesce(var.custom_domain, "app.example.com")
  values_list     = ["a", null, "b"]
  compacted       = compact(local.values_list)
  null_count      = length([for v in local.values_list : v if v == null])
  merged          = merge({ instance_type = "t3.micro", ami = null }, { for k, v in var.overrides : k => v if v != null })
  null_in_object  = { a = null, b = 1 }
  null_equal      = null == null
  null_ne_string  = null != ""
  try_null_attr   = try(local.null_in_object.a.nested, "no-nested")
  null_template   = "value: ${coalesce(var.custom_domain, "none")}"
  null_jsonencode = jsonencode(local.null_in_object)
}

resource "terraform_data" "nothing" {
  input = null
}

resource "terraform_data" "partial" {
  input = {
    domain = local.domain
    cert   = var.custom_domain
  }
}

output "domain" {
  value = local.domain
}

output "compacted" {
  value = local.compacted
}

output "null_count" {
  value = local.null_count
}

output "merged" {
  value = local.merged
}

output "null_in_object" {
  value = local.null_in_object
}

output "comparisons" {
  value = [local.null_equal, local.null_ne_string]
}

output "try_null_attr" {
  value = local.try_null_attr
}

output "null_template" {
  value = local.null_template
}

output "null_jsonencode" {
  value = local.null_jsonencode
}

output "nothing_output" {
  value = terraform_data.nothing.output
}

output "partial" {
  value = terraform_data.partial.output
}

output "null_output" {
  value = null
}
