import {
  to = terraform_data.legacy_dns
  id = "zone-4f1c9e"
}

import {
  for_each = toset(["alpha", "beta"])
  to       = terraform_data.tenant[each.key]
  id       = "tenant-${each.key}"
}

resource "terraform_data" "legacy_dns" {
}

resource "terraform_data" "tenant" {
  for_each = toset(["alpha", "beta"])
}

resource "terraform_data" "frontend" {
  input = "frontend-v2"
}

moved {
  from = terraform_data.web
  to   = terraform_data.frontend
}

removed {
  from = terraform_data.old_worker

  lifecycle {
    destroy = false
  }
}

output "frontend" {
  value = terraform_data.frontend.output
}

output "imported_ids" {
  value = concat([terraform_data.legacy_dns.id], [for t in terraform_data.tenant : t.id])
}
