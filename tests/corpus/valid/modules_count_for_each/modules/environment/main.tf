variable "name" {
  type = string
}

variable "region" {
  type = string
}

variable "instances" {
  type = number
}

module "state_bucket" {
  source = "../bucket"

  name = "${var.name}-tfstate"
}

resource "terraform_data" "instance" {
  count = var.instances
  input = {
    name   = format("%s-app-%02d", var.name, count.index + 1)
    region = var.region
  }
}

output "instance_names" {
  value = terraform_data.instance[*].output.name
}

output "summary" {
  value = {
    region       = var.region
    instances    = length(terraform_data.instance)
    state_bucket = module.state_bucket.bucket_name
  }
}
