variable "secrets" {
  type      = map(string)
  sensitive = true
}

variable "owner" {
  type = string
}

resource "terraform_data" "secret" {
  for_each = nonsensitive(toset(keys(var.secrets)))
  input    = var.secrets[each.key]
}

output "names" {
  value = sort(keys(terraform_data.secret))
}

output "values" {
  value     = { for k, s in terraform_data.secret : k => s.output }
  sensitive = true
}

output "digest" {
  value = nonsensitive(md5(jsonencode(var.secrets)))
}

output "owner" {
  value = var.owner
}
