# Step 1 of the rich plan: the prior state. Applied, then step2/ is planned against it.

variable "secret" {
  type      = string
  default   = "hunter2-prior"
  sensitive = true
}

resource "terraform_data" "updated" {
  input = {
    name    = "web"
    port    = 8080
    config  = "listen 80;\nserver_name example.com;\nroot /var/www;\ngzip on;\n"
    enabled = true
  }
}

resource "terraform_data" "replaced" {
  input            = "stays"
  triggers_replace = ["v1"]
}

resource "terraform_data" "deleted" {
  input = "going away"
}

resource "terraform_data" "counted" {
  count = 3
  input = "item-${count.index}"
}

resource "terraform_data" "secret" {
  input = var.secret
}

resource "terraform_data" "unchanged" {
  input = "same"
}

module "child" {
  source = "./child"
  label  = "one"
}

output "kept" {
  value = terraform_data.unchanged.output
}

output "removed_output" {
  value = "bye"
}
