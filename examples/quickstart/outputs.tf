output "domain" {
  value = var.domain
}

output "files" {
  description = "The files of the deployment bundle."
  value = sort([
    local_file.ca_cert.filename,
    local_file.server_cert.filename,
    local_sensitive_file.server_key.filename,
    local_sensitive_file.env.filename,
    local_file.nginx.filename,
    local_file.compose.filename,
  ])
}

output "certificate_expires" {
  value = tls_locally_signed_cert.server.validity_end_time
}

output "db_user" {
  value = random_pet.db_user.id
}

output "db_password" {
  value     = random_password.db.result
  sensitive = true
}
