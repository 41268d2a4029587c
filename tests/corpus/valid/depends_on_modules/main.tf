module "db" {
  source = "./modules/db"
  name   = "inventory"
}

module "app" {
  source     = "./modules/app"
  name       = "inventory-api"
  depends_on = [module.db]
}

resource "terraform_data" "smoke_test" {
  input      = "curl https://${module.app.hostname}/health"
  depends_on = [module.app, terraform_data.dns]
}

resource "terraform_data" "dns" {
  input = module.app.hostname
}

output "hostname" {
  value = module.app.hostname
}

output "smoke_test" {
  value = terraform_data.smoke_test.output
}

output "db" {
  value      = module.db.endpoint
  depends_on = [terraform_data.smoke_test]
}
