locals {
  buckets = {
    logs    = { versioning = false, retention = 14 }
    backups = { versioning = true, retention = 365 }
    reports = { versioning = false, retention = 30 }
  }
}

resource "terraform_data" "bucket" {
  for_each = local.buckets
  input = {
    name       = "acme-${each.key}"
    versioning = each.value.versioning
    retention  = each.value.retention
  }
}

output "bucket_names" {
  value = sort([for b in terraform_data.bucket : b.output.name])
}
