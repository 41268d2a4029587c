resource "terraform_data" "certificate" {
  triggers_replace = "cert-2024.2"
  input            = "api.example.com"

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "worker" {
  triggers_replace = "worker-2024.2"
  input            = "worker"
}

output "domain" {
  value = terraform_data.certificate.output
}
