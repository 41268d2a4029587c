variable "master_password" {
  type      = string
  sensitive = true
  default   = "Sup3r-S3cret"
}

module "secrets" {
  source = "./modules/secret_store"

  secrets = {
    db_password = var.master_password
    api_key     = "key-123456"
  }
  owner = "payments"
}

resource "terraform_data" "consumer" {
  input = {
    owner    = module.secrets.owner
    password = module.secrets.values["db_password"]
    digest   = module.secrets.digest
  }
}

output "owner" {
  value = module.secrets.owner
}

output "secret_names" {
  value = module.secrets.names
}

output "digest" {
  value = module.secrets.digest
}

output "all_values" {
  value     = module.secrets.values
  sensitive = true
}

output "consumer_owner" {
  value = terraform_data.consumer.output.owner
}
