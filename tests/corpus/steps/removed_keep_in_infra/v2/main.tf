removed {
  from = terraform_data.legacy_queue

  lifecycle {
    destroy = false
  }
}

removed {
  from = terraform_data.queue

  lifecycle {
    destroy = true
  }
}

output "queues" {
  value = []
}
