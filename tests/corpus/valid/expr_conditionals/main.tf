variable "environment" {
  type    = string
  default = "staging"
}

variable "replicas" {
  type    = number
  default = 0
}

locals {
  is_prod       = var.environment == "prod"
  instance_type = local.is_prod ? "m5.large" : var.environment == "staging" ? "t3.medium" : "t3.micro"
  replica_count = var.replicas > 0 ? var.replicas : local.is_prod ? 3 : 1
  backup        = local.is_prod ? { retention_days = 30, enabled = true } : { retention_days = 7, enabled = false }
  maybe_null    = local.is_prod ? "prod-key" : null
  # number and string unify to string
  unified = true ? 5 : "five"
  suffix  = var.environment != "prod" ? "-${var.environment}" : ""
  zones   = local.is_prod ? ["a", "b", "c"] : ["a"]
}

resource "terraform_data" "app" {
  count = local.is_prod ? 2 : 1
  input = {
    name          = "web${local.suffix}-${count.index}"
    instance_type = local.instance_type
    zone          = local.zones[count.index % length(local.zones)]
  }
}

resource "terraform_data" "bastion" {
  count = local.is_prod ? 1 : 0
  input = "bastion"
}

output "instance_type" {
  value = local.instance_type
}

output "replica_count" {
  value = local.replica_count
}

output "backup" {
  value = local.backup
}

output "maybe_null_is_null" {
  value = local.maybe_null == null
}

output "unified" {
  value = local.unified
}

output "app_names" {
  value = [for a in terraform_data.app : a.output.name]
}

output "bastion" {
  value = length(terraform_data.bastion) > 0 ? terraform_data.bastion[0].output : "none"
}
