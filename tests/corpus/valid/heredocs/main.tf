locals {
  app_name = "billing"
  port     = 9000

  plain = <<EOT
server {
  listen ${local.port};
  server_name ${local.app_name}.example.com;
}
EOT

  indented = <<-EOT
    [Unit]
    Description=${title(local.app_name)} service
      After=network.target

    [Service]
    ExecStart=/usr/local/bin/${local.app_name} --port=${local.port}
    EOT

  with_directives = <<-EOT
    %{for env in ["dev", "staging", "prod"]~}
    ${env}: https://${local.app_name}.${env}.example.com
    %{endfor~}
  EOT

  json_doc = <<JSON
{"name": "${local.app_name}", "port": ${local.port}}
JSON

  empty_lines = <<-EOT

      two leading spaces kept relative

  EOT

  literal_dollar = <<-EOT
    echo "$${HOME}" and $PATH
  EOT
}

resource "terraform_data" "unit" {
  input = local.indented
}

output "plain" {
  value = local.plain
}

output "indented" {
  value = terraform_data.unit.output
}

output "with_directives" {
  value = local.with_directives
}

output "json_doc_port" {
  value = jsondecode(local.json_doc).port
}

output "empty_lines" {
  value = local.empty_lines
}

output "literal_dollar" {
  value = local.literal_dollar
}

output "line_count" {
  value = length(split("\n", chomp(local.indented)))
}
