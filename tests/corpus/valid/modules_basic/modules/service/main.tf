resource "terraform_data" "service" {
  input = {
    name    = var.name
    subnets = var.subnet_ids
    port    = var.port
  }
}

output "endpoint" {
  value = "${terraform_data.service.output.name}.internal:${terraform_data.service.output.port}"
}

output "tags" {
  value = merge(var.tags, { Service = var.name })
}
