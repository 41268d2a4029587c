locals {
  workspace  = terraform.workspace
  env_prefix = terraform.workspace == "default" ? "dev" : terraform.workspace
}

module "meta" {
  source = "./modules/meta"
}

resource "terraform_data" "bucket" {
  input = "${local.env_prefix}-artifacts-${local.workspace}"
}

output "workspace" {
  value = local.workspace
}

output "bucket" {
  value = terraform_data.bucket.output
}

output "paths" {
  value = {
    module         = path.module
    root           = path.root
    cwd_is_abs     = startswith(path.cwd, "/")
    child_module   = module.meta.module_path
    child_root     = module.meta.root_path
    child_file     = module.meta.readme_first_line
    child_basename = basename(module.meta.module_path)
  }
}
