variable "worker_count" {
  type    = number
  default = 5
}

resource "terraform_data" "worker" {
  count = var.worker_count
  input = {
    name = "worker-${count.index}"
    slot = count.index * 10
  }
}

output "workers" {
  value = terraform_data.worker[*].output.name
}
