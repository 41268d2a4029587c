variable "min_replicas" {
  type    = number
  default = 2
}

variable "max_replicas" {
  type    = number
  default = 6
}

locals {
  endpoints = {
    api    = "https://api.example.com"
    status = "https://status.example.com"
  }
}

resource "terraform_data" "autoscaling" {
  input = {
    min = var.min_replicas
    max = var.max_replicas
  }

  lifecycle {
    precondition {
      condition     = var.min_replicas <= var.max_replicas
      error_message = "min_replicas must not exceed max_replicas."
    }

    postcondition {
      condition     = self.output.max >= 2
      error_message = "At least two replicas are needed for high availability."
    }
  }
}

resource "terraform_data" "endpoint" {
  for_each = local.endpoints
  input    = each.value

  lifecycle {
    postcondition {
      condition     = startswith(self.output, "https://")
      error_message = "Endpoint ${each.key} must use HTTPS."
    }
  }
}

check "endpoints_use_example_domain" {
  assert {
    condition     = alltrue([for e in local.endpoints : endswith(e, ".example.com")])
    error_message = "All endpoints must be under example.com."
  }
}

check "replica_headroom" {
  assert {
    condition     = var.max_replicas - var.min_replicas >= 2
    error_message = "Keep at least two replicas of headroom for deployments."
  }

  assert {
    condition     = terraform_data.autoscaling.output.max <= 10
    error_message = "Max replicas is above the budgeted limit."
  }
}

check "staging_budget" {
  assert {
    condition     = var.max_replicas <= 4
    error_message = "Staging budget allows at most 4 replicas, got ${var.max_replicas}."
  }
}

output "autoscaling" {
  value = terraform_data.autoscaling.output

  precondition {
    condition     = var.min_replicas > 0
    error_message = "min_replicas must be positive."
  }
}

output "endpoints" {
  value      = [for e in terraform_data.endpoint : e.output]
  depends_on = [terraform_data.autoscaling]
}
