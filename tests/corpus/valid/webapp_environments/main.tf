terraform {
  required_version = ">= 1.6"
}

locals {
  name_prefix = "${var.app_name}-${var.environment}"
  tags = merge({
    Application = var.app_name
    Environment = var.environment
  }, var.extra_tags)

  public_instances  = { for k, v in var.instances : k => v if v.public }
  private_instances = { for k, v in var.instances : k => v if !v.public }
  zones             = sort(distinct([for i in var.instances : i.zone]))
}

module "app" {
  source   = "./modules/app"
  for_each = var.instances

  name   = "${local.name_prefix}-${each.key}"
  size   = each.value.size
  zone   = each.value.zone
  public = each.value.public
  tags   = local.tags
  user_data = templatefile("${path.module}/templates/cloud-init.yaml.tftpl", {
    hostname = "${local.name_prefix}-${each.key}"
    packages = ["nginx", "nodejs"]
    env      = var.environment
  })
}

resource "terraform_data" "database" {
  input = {
    identifier = "${local.name_prefix}-db"
    engine     = "${var.db.engine}${var.db.version}"
    storage    = var.db.storage_gb
    multi_az   = var.db.multi_az
    windows    = var.db.backup_windows
    password   = var.db_password
  }
}

resource "terraform_data" "dns" {
  for_each = local.public_instances
  input    = "${each.key}.${var.environment}.${var.app_name}.example.com"
}

output "instance_names" {
  value = { for k, m in module.app : k => m.name }
}

output "public_hostnames" {
  value = [for d in terraform_data.dns : d.output]
}

output "private_instance_keys" {
  value = keys(local.private_instances)
}

output "zones" {
  value = local.zones
}

output "database_identifier" {
  value = terraform_data.database.output.identifier
}

output "user_data_sizes" {
  value = { for k, m in module.app : k => m.user_data_lines }
}

output "tags" {
  value = local.tags
}
