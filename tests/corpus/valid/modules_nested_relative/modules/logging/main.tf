variable "group_name" {
  type = string
}

variable "retention_days" {
  type = number
}

module "archive_naming" {
  source = "../common"

  prefix = "${var.group_name}-archive"
}

resource "terraform_data" "log_group" {
  input = {
    name      = var.group_name
    retention = var.retention_days
    archive   = module.archive_naming.prefix
  }
}

output "group" {
  value = terraform_data.log_group.output
}
