resource "terraform_data" "legacy_queue" {
  input = "orders-legacy"
}

resource "terraform_data" "queue" {
  for_each = toset(["orders", "refunds"])
  input    = each.key
}

output "queues" {
  value = keys(terraform_data.queue)
}
