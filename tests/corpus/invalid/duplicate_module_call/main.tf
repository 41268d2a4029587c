module "cache" {
  source = "./modules/cache"
}

module "cache" {
  source = "./modules/cache"
}
