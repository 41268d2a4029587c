locals {
  subnets = [
    { name = "a", cidr = "10.0.1.0/24" },
    { name = "b", cidr = "10.0.2.0/24" },
  ]
}

output "second" {
  value = local.subnets[*].cidr[1]
}
