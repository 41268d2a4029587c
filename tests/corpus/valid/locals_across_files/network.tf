locals {
  vpc_cidr    = "172.31.0.0/16"
  subnet_bits = 4
  subnets     = { for i, name in local.subnet_names : name => cidrsubnet(local.vpc_cidr, local.subnet_bits, i) }
}
