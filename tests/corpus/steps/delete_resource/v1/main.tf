resource "terraform_data" "primary_db" {
  input = "db-primary"
}

resource "terraform_data" "read_replica" {
  count = 2
  input = "db-replica-${count.index}"
}

resource "terraform_data" "backup_job" {
  input = "nightly-backup of ${terraform_data.primary_db.output}"
}

output "replicas" {
  value = terraform_data.read_replica[*].output
}
