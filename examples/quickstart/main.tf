# The infra quickstart: a deployment bundle for a web app and its database, made offline.
#
# It mints a private CA and a server certificate for the app's domain, generates the database
# credentials, and renders the files a deployment needs (.env, an nginx TLS server block, a
# docker-compose file) into ./out. Run it twice: the second run reports no changes. Change
# `domain` and only the certificate and the files that mention the domain are replaced.

terraform {
  required_version = ">= 1.5"

  required_providers {
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

locals {
  out_dir  = "${path.module}/out"
  app_name = replace(var.domain, ".", "-")
}

# --- Certificates -------------------------------------------------------------------------

resource "tls_private_key" "ca" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  is_ca_certificate     = true
  validity_period_hours = 24 * 365
  allowed_uses          = ["cert_signing", "crl_signing", "digital_signature"]

  subject {
    common_name  = "${var.organization} Private CA"
    organization = var.organization
  }
}

resource "tls_private_key" "server" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_cert_request" "server" {
  private_key_pem = tls_private_key.server.private_key_pem
  dns_names       = [var.domain, "www.${var.domain}"]

  subject {
    common_name  = var.domain
    organization = var.organization
  }
}

resource "tls_locally_signed_cert" "server" {
  cert_request_pem      = tls_cert_request.server.cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = 24 * 90
  early_renewal_hours   = 24 * 15
  allowed_uses          = ["digital_signature", "key_encipherment", "server_auth"]
}

# --- Database credentials -----------------------------------------------------------------

resource "random_pet" "db_user" {
  length    = 2
  separator = "_"
}

resource "random_password" "db" {
  length           = 32
  override_special = "-_"
  min_upper        = 2
  min_numeric      = 2
}

# --- Rendered files -----------------------------------------------------------------------

resource "local_file" "ca_cert" {
  filename        = "${local.out_dir}/tls/ca.pem"
  content         = tls_self_signed_cert.ca.cert_pem
  file_permission = "0644"
}

resource "local_file" "server_cert" {
  filename        = "${local.out_dir}/tls/server.pem"
  content         = "${tls_locally_signed_cert.server.cert_pem}${tls_self_signed_cert.ca.cert_pem}"
  file_permission = "0644"
}

resource "local_sensitive_file" "server_key" {
  filename        = "${local.out_dir}/tls/server.key"
  content         = tls_private_key.server.private_key_pem
  file_permission = "0600"
}

resource "local_sensitive_file" "env" {
  filename        = "${local.out_dir}/app.env"
  file_permission = "0600"
  content = templatefile("${path.module}/templates/app.env.tftpl", {
    domain      = var.domain
    db_name     = var.db_name
    db_user     = random_pet.db_user.id
    db_password = random_password.db.result
  })
}

resource "local_file" "nginx" {
  filename        = "${local.out_dir}/nginx/${local.app_name}.conf"
  file_permission = "0644"
  content = templatefile("${path.module}/templates/nginx.conf.tftpl", {
    domain       = var.domain
    server_names = tls_cert_request.server.dns_names
    app_port     = var.app_port
  })
}

resource "local_file" "compose" {
  filename        = "${local.out_dir}/docker-compose.yml"
  file_permission = "0644"
  content = templatefile("${path.module}/templates/docker-compose.yml.tftpl", {
    app_name = local.app_name
    app_port = var.app_port
    db_name  = var.db_name
    image    = var.app_image
  })
}
