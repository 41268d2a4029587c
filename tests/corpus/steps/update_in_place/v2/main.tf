variable "image_tag" {
  type    = string
  default = "1.5.0"
}

resource "terraform_data" "deployment" {
  input = {
    image    = "registry.example.com/billing:${var.image_tag}"
    replicas = 3
    env      = { LOG_LEVEL = "debug", REGION = "eu-west-1", FEATURE_X = "on" }
    ports    = [8080, 9090]
  }
}

resource "terraform_data" "unchanged" {
  input = "static-config"
}

output "image" {
  value = terraform_data.deployment.output.image
}

output "replicas" {
  value = terraform_data.deployment.output.replicas
}
