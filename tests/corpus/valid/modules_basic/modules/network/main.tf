variable "name" {
  type = string
}

variable "cidr_block" {
  type = string
}

variable "zones" {
  type = list(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "terraform_data" "vpc" {
  input = {
    name = var.name
    cidr = var.cidr_block
    tags = merge(var.tags, { Name = var.name })
  }
}

resource "terraform_data" "public" {
  count = length(var.zones)
  input = {
    vpc  = terraform_data.vpc.output.name
    zone = var.zones[count.index]
    cidr = cidrsubnet(var.cidr_block, 8, count.index)
  }
}

resource "terraform_data" "private" {
  count = length(var.zones)
  input = {
    vpc  = terraform_data.vpc.output.name
    zone = var.zones[count.index]
    cidr = cidrsubnet(var.cidr_block, 8, count.index + 100)
  }
}

output "vpc" {
  value = terraform_data.vpc.output
}

output "public_subnet_ids" {
  value = [for s in terraform_data.public : "subnet-${s.output.zone}-pub"]
}

output "private_subnet_ids" {
  value = [for s in terraform_data.private : "subnet-${s.output.zone}-priv"]
}

output "public_subnet_cidrs" {
  value = terraform_data.public[*].output.cidr
}

output "private_subnet_cidrs" {
  value = terraform_data.private[*].output.cidr
}
