locals {
  prefix = "shop"
}

output "bucket" {
  value = "${local.prefix}-${local.suffix}"
}
