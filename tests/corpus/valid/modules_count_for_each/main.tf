variable "environments" {
  type = map(object({
    region    = string
    instances = number
  }))
  default = {
    dev = {
      region    = "eu-west-1"
      instances = 1
    }
    prod = {
      region    = "eu-central-1"
      instances = 3
    }
  }
}

variable "enable_audit" {
  type    = bool
  default = true
}

module "env" {
  source   = "./modules/environment"
  for_each = var.environments

  name      = each.key
  region    = each.value.region
  instances = each.value.instances
}

module "audit_bucket" {
  source = "./modules/bucket"
  count  = var.enable_audit ? 1 : 0

  name = "audit-logs"
}

module "replica_bucket" {
  source = "./modules/bucket"
  count  = 2

  name = "replica-${count.index}"
}

output "environments" {
  value = { for name, env in module.env : name => env.summary }
}

output "instance_names" {
  value = flatten([for env in module.env : env.instance_names])
}

output "audit_bucket" {
  value = one(module.audit_bucket[*].bucket_name)
}

output "replica_buckets" {
  value = module.replica_bucket[*].bucket_name
}

output "prod_first_instance" {
  value = module.env["prod"].instance_names[0]
}
