locals {
  app_conf  = file("${path.module}/config/app.conf")
  nested    = file("config/nested/limits.json")
  all_confs = fileset(path.module, "config/**")
  json_only = fileset("${path.module}/config", "**/*.json")
  templates = fileset(path.module, "templates/*.tftpl")
  rendered = templatefile("${path.module}/templates/motd.tftpl", {
    hostname = "web-01"
    services = ["nginx", "node-exporter"]
    owner    = { name = "Platform", email = "platform@example.com" }
  })
}

resource "terraform_data" "config" {
  input = {
    app_conf = local.app_conf
    limits   = jsondecode(local.nested)
  }
}

output "app_conf" {
  value = terraform_data.config.output.app_conf
}

output "limits" {
  value = terraform_data.config.output.limits
}

output "filesets" {
  value = {
    all_confs = local.all_confs
    json_only = local.json_only
    templates = local.templates
  }
}

output "rendered" {
  value = local.rendered
}

output "exists" {
  value = {
    present = fileexists("${path.module}/config/app.conf")
    missing = fileexists("${path.module}/config/missing.conf")
  }
}

output "paths" {
  value = {
    basename       = basename("config/nested/limits.json")
    dirname        = dirname("config/nested/limits.json")
    basename_dir   = basename("config/nested/")
    dirname_single = dirname("app.conf")
    module         = path.module
    root           = path.root
    abspath_is_abs = startswith(abspath(path.module), "/")
  }
}

output "file_hashes" {
  value = {
    filemd5          = filemd5("config/app.conf")
    filesha1         = filesha1("config/app.conf")
    filesha256       = filesha256("config/app.conf")
    filesha512       = filesha512("config/app.conf")
    filebase64       = filebase64("config/nested/limits.json")
    filebase64sha256 = filebase64sha256("config/app.conf")
    filebase64sha512 = filebase64sha512("config/app.conf")
  }
}
