variable "image_tag" {
  type    = string
  default = "1.4.0"
}

resource "terraform_data" "deployment" {
  input = {
    image    = "registry.example.com/billing:${var.image_tag}"
    replicas = 2
    env      = { LOG_LEVEL = "info", REGION = "eu-west-1" }
    ports    = [8080]
  }
}

resource "terraform_data" "unchanged" {
  input = "static-config"
}

output "image" {
  value = terraform_data.deployment.output.image
}
