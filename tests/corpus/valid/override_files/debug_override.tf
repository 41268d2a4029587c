resource "terraform_data" "worker" {
  input = {
    size   = local.sizes[var.instance_size]
    region = local.region
    debug  = true
  }
}

output "region" {
  value       = "${local.region} (overridden)"
  description = "Region with a marker"
}
