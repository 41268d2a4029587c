variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/24"
}

locals {
  subnets = [for i in range(3) : cidrsubnet(var.vpc_cidr, 1, i)]
}

output "subnets" {
  value = local.subnets
}
