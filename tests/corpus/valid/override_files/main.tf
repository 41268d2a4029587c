variable "instance_size" {
  type    = string
  default = "small"
}

locals {
  sizes = {
    small  = "t3.small"
    medium = "t3.medium"
  }
  region = "us-west-2"
}

resource "terraform_data" "worker" {
  input = {
    size   = local.sizes[var.instance_size]
    region = local.region
    debug  = false
  }
}

output "worker" {
  value = terraform_data.worker.output
}

output "region" {
  value = local.region
}
