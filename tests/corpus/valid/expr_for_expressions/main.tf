locals {
  services = ["web", "api", "worker", "scheduler", "api"]

  instances = {
    web-1    = { role = "web", size = "t3.small", zone = "eu-west-1a" }
    web-2    = { role = "web", size = "t3.small", zone = "eu-west-1b" }
    api-1    = { role = "api", size = "t3.medium", zone = "eu-west-1a" }
    worker-1 = { role = "worker", size = "c5.large", zone = "eu-west-1c" }
    worker-2 = { role = "worker", size = "c5.large", zone = "eu-west-1a" }
  }

  team = {
    name    = "platform"
    members = 4
    oncall  = true
  }

  upper_services   = [for s in local.services : upper(s)]
  indexed          = [for i, s in local.services : "${i}:${s}"]
  long_names       = [for s in local.services : s if length(s) > 3]
  service_set      = toset([for s in local.services : s])
  service_lengths  = { for s in distinct(local.services) : s => length(s) }
  sizes_by_name    = { for name, inst in local.instances : name => inst.size }
  names_by_role    = { for name, inst in local.instances : inst.role => name... }
  zones_by_role    = { for name, inst in local.instances : inst.role => inst.zone... if inst.role != "api" }
  team_strings     = [for k, v in local.team : "${k}=${v}"]
  team_obj_map     = { for k, v in local.team : upper(k) => tostring(v) }
  nested           = [for role, names in local.names_by_role : [for n in names : "${role}/${n}"]]
  flattened        = flatten(local.nested)
  tuple_from_tuple = [for x in [1, "two", true] : tostring(x)]
  map_to_list      = [for k, v in { b = 2, a = 1, c = 3 } : v * 10]
  set_iteration    = [for s in toset(["b", "a", "c"]) : s]
}

resource "terraform_data" "instance" {
  for_each = { for name, inst in local.instances : name => inst if inst.role != "worker" }
  input    = "${each.key} (${each.value.size}) in ${each.value.zone}"
}

output "upper_services" {
  value = local.upper_services
}

output "indexed" {
  value = local.indexed
}

output "long_names" {
  value = local.long_names
}

output "service_set" {
  value = local.service_set
}

output "service_lengths" {
  value = local.service_lengths
}

output "sizes_by_name" {
  value = local.sizes_by_name
}

output "names_by_role" {
  value = local.names_by_role
}

output "zones_by_role" {
  value = local.zones_by_role
}

output "team_strings" {
  value = local.team_strings
}

output "team_obj_map" {
  value = local.team_obj_map
}

output "flattened" {
  value = local.flattened
}

output "tuple_from_tuple" {
  value = local.tuple_from_tuple
}

output "map_to_list" {
  value = local.map_to_list
}

output "set_iteration" {
  value = local.set_iteration
}

output "instance_descriptions" {
  value = { for k, r in terraform_data.instance : k => r.output }
}
