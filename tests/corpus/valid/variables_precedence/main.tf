resource "terraform_data" "web" {
  count = var.instance_count
  input = {
    name   = "${var.environment}-web-${count.index + 1}"
    region = var.region
    tags   = merge(var.tags, { Owner = var.owner })
  }
}

output "resolved" {
  value = {
    region          = var.region
    environment     = var.environment
    instance_count  = var.instance_count
    owner           = var.owner
    tags            = var.tags
    allowed_cidrs   = var.allowed_cidrs
    feature_flags   = var.feature_flags
    log_level       = var.log_level
    only_default    = var.only_default
    build_id        = var.build_id
    max_connections = var.max_connections
  }
}

output "web_names" {
  value = terraform_data.web[*].output.name
}
