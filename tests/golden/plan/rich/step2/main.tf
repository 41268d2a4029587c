# Step 2 of the rich plan: planned against step 1's state. It yields, in one plan: an in-place
# update with a multi-line string diff, a replacement forced by triggers_replace, a delete, a
# create whose values are partly unknown, count and for_each instances removed and updated in a
# child module, a sensitive value changing, and output changes.

variable "secret" {
  type      = string
  default   = "hunter2-planned"
  sensitive = true
}

resource "terraform_data" "updated" {
  input = {
    name    = "web"
    port    = 8443
    config  = "listen 443 ssl;\nserver_name example.com;\nroot /var/www;\nssl_certificate /etc/tls/cert.pem;\n"
    enabled = true
  }
}

resource "terraform_data" "replaced" {
  input            = "stays"
  triggers_replace = ["v2"]
}

resource "terraform_data" "counted" {
  count = 2
  input = "item-${count.index}"
}

resource "terraform_data" "secret" {
  input = var.secret
}

resource "terraform_data" "unchanged" {
  input = "same"
}

resource "terraform_data" "created" {
  input = {
    upstream = terraform_data.replaced.id
    tags     = ["a", "b"]
    secret   = var.secret
  }
}

module "child" {
  source = "./child"
  label  = "two"
}

output "kept" {
  value = terraform_data.unchanged.output
}

output "new_id" {
  value = terraform_data.created.id
}

output "secret" {
  value     = terraform_data.secret.output
  sensitive = true
}
