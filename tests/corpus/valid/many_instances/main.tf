variable "shards" {
  type    = number
  default = 40
}

locals {
  shard_names = [for i in range(var.shards) : format("shard-%03d", i)]
  batches     = chunklist(local.shard_names, 16)
}

resource "terraform_data" "shard" {
  count = var.shards
  input = {
    name    = local.shard_names[count.index]
    primary = count.index % 4 == 0
    port    = 27017 + count.index
  }
}

resource "terraform_data" "batch" {
  count = length(local.batches)
  input = join(",", local.batches[count.index])
}

output "primaries" {
  value = [for s in terraform_data.shard : s.output.name if s.output.primary]
}

output "batch_sizes" {
  value = [for b in terraform_data.batch : length(split(",", b.output))]
}

output "port_range" {
  value = "${min(terraform_data.shard[*].output.port...)}-${max(terraform_data.shard[*].output.port...)}"
}
