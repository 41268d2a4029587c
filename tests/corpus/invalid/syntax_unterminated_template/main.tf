locals {
  name    = "api"
  message = "deploying ${local.name"
}
