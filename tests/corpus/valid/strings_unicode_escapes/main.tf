locals {
  escapes     = "tab:\there\nnewline, quote:\" backslash:\\ unicode:\u00e9 astral:\U0001F680"
  combining   = "cafe\u0301"
  precomposed = "caf\u00e9"
  flags       = "🇩🇪🇫🇷"
  family      = "👨‍👩‍👧"
  city_names  = ["Zürich", "Москва", "東京", "São Paulo"]
}

resource "terraform_data" "greeting" {
  input = "Grüße aus ${local.city_names[0]} ✓"
}

output "escapes" {
  value = local.escapes
}

output "normalization" {
  value = {
    equal            = local.combining == local.precomposed
    combining_length = length(local.combining)
    bytes_hint       = length(base64encode(local.combining))
  }
}

output "graphemes" {
  value = {
    flags_length  = length(local.flags)
    family_length = length(local.family)
    flags_reverse = strrev(local.flags)
    first_flag    = substr(local.flags, 0, 1)
  }
}

output "cities" {
  value = {
    upper   = [for c in local.city_names : upper(c)]
    lengths = [for c in local.city_names : length(c)]
    padded  = [for c in local.city_names : format("[%-8s]", c)]
    sorted  = sort(local.city_names)
  }
}

output "greeting" {
  value = terraform_data.greeting.output
}

output "json_escapes" {
  value = jsonencode(local.escapes)
}
