variable "environment" {
  type    = string
  default = "preview-1234"
}

resource "terraform_data" "namespace" {
  input = "ns-${var.environment}"
}

resource "terraform_data" "app" {
  for_each = toset(["web", "worker"])
  input    = "${terraform_data.namespace.output}/${each.key}"
}

output "apps" {
  value = [for a in terraform_data.app : a.output]
}
