resource "terraform_data" "service" {
  for_each = var.services
  input = {
    listener = "${each.value.protocol}/${each.value.port}"
    public   = each.value.public
  }
}

resource "terraform_data" "credentials" {
  input = {
    app = var.app.name
    key = var.api_key
  }
}

output "app" {
  value = var.app
}

output "services" {
  value = { for k, v in terraform_data.service : k => v.output }
}

output "admin_email" {
  value = var.admin_email
}

output "optional_note_is_null" {
  value = var.optional_note == null
}

output "api_key_length" {
  value = nonsensitive(length(var.api_key))
}
