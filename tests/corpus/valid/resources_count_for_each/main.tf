variable "web_count" {
  type    = number
  default = 3
}

variable "users" {
  type    = set(string)
  default = ["alice", "bob", "carol"]
}

variable "queues" {
  type = map(object({
    visibility_timeout = number
    fifo               = bool
  }))
  default = {
    orders = {
      visibility_timeout = 30
      fifo               = true
    }
    emails = {
      visibility_timeout = 60
      fifo               = false
    }
    "dead-letter" = {
      visibility_timeout = 300
      fifo               = false
    }
  }
}

resource "terraform_data" "web" {
  count = var.web_count
  input = {
    hostname = "web-${count.index}.example.internal"
    primary  = count.index == 0
  }
}

resource "terraform_data" "disabled" {
  count = 0
  input = "never created"
}

resource "terraform_data" "user" {
  for_each = var.users
  input    = "${each.key}@example.com"
}

resource "terraform_data" "queue" {
  for_each = var.queues
  input = {
    name    = each.value.fifo ? "${each.key}.fifo" : each.key
    timeout = each.value.visibility_timeout
  }
}

resource "terraform_data" "queue_alarm" {
  for_each = terraform_data.queue
  input    = "alarm for ${each.value.output.name} (${each.key})"
}

resource "terraform_data" "web_dns" {
  count = length(terraform_data.web)
  input = "${terraform_data.web[count.index].output.hostname} -> 10.0.0.${count.index + 10}"
}

output "web_hostnames" {
  value = terraform_data.web[*].output.hostname
}

output "disabled" {
  value = terraform_data.disabled
}

output "user_emails" {
  value = [for u in terraform_data.user : u.output]
}

output "queue_names" {
  value = { for k, q in terraform_data.queue : k => q.output.name }
}

output "alarms" {
  value = values(terraform_data.queue_alarm)[*].output
}

output "dns" {
  value = terraform_data.web_dns[*].output
}

output "primary" {
  value = [for w in terraform_data.web : w.output.hostname if w.output.primary]
}
