variable "environment" {
  type    = string
  default = "dev"
}

resource "terraform_data" "app" {
  input = "${var.environment}-${var.region}"
}
