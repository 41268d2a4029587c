variable "app_version" {
  type    = string
  default = "2.3.1"
}

variable "schema_revision" {
  type    = number
  default = 7
}

resource "terraform_data" "schema" {
  input = "schema-r${var.schema_revision}"
}

resource "terraform_data" "database" {
  input = {
    engine  = "postgres"
    version = "16.2"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "terraform_data" "app_server" {
  input            = "app-${var.app_version}"
  triggers_replace = [var.app_version, terraform_data.schema.output]

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "load_balancer" {
  input = {
    target   = terraform_data.app_server.output
    listener = 443
  }

  lifecycle {
    ignore_changes       = [input]
    replace_triggered_by = [terraform_data.schema]
  }
}

resource "terraform_data" "cache" {
  input = "redis-7"

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "migration" {
  depends_on = [terraform_data.database, terraform_data.schema]

  input = "migrate to ${terraform_data.schema.output}"

  lifecycle {
    replace_triggered_by = [terraform_data.schema.output]
  }
}

output "app_server" {
  value = terraform_data.app_server.output
}

output "load_balancer_target" {
  value = terraform_data.load_balancer.output.target
}

output "migration" {
  value = terraform_data.migration.output
}
