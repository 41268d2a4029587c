variable "hosts" {
  type = list(object({
    name    = string
    address = string
    backup  = bool
  }))
  default = [
    { name = "app-1", address = "10.0.1.10", backup = false },
    { name = "app-2", address = "10.0.1.11", backup = false },
    { name = "app-3", address = "10.0.2.10", backup = true },
  ]
}

variable "environment" {
  type    = string
  default = "production"
}

locals {
  greeting       = "Hello, ${upper(var.environment)}!"
  nested_interp  = "count=${length(var.hosts)} first=${var.hosts[0].name} ports=${join(",", [for p in [80, 443] : "${p}"])}"
  escaped        = "literal $${not_interpolated} and %%{not_a_directive}"
  if_directive   = "mode: %{if var.environment == "production"}strict%{else}relaxed%{endif}"
  if_no_else     = "debug=%{if var.environment != "production"}on%{endif}."
  for_directive  = "%{for h in var.hosts}${h.name} %{endfor}"
  for_with_index = "%{for i, h in var.hosts}${i}=${h.address};%{endfor}"
  strip_markers  = "[ %{~for h in var.hosts~} ${h.name} %{~endfor~} ]"
  strip_if       = "<  %{~if true~}  yes  %{~endif~}  >"
  only_interp    = length(var.hosts)
  numbers        = "${1 + 1} ${0.5 * 3} ${true}"

  upstream = <<-EOT
    upstream app {
    %{~for h in var.hosts}
    %{~if !h.backup}
      server ${h.address}:8080;
    %{~else}
      server ${h.address}:8080 backup;
    %{~endif}
    %{~endfor}
    }
  EOT
}

resource "terraform_data" "nginx_conf" {
  input = local.upstream
}

output "greeting" {
  value = local.greeting
}

output "nested_interp" {
  value = local.nested_interp
}

output "escaped" {
  value = local.escaped
}

output "if_directive" {
  value = local.if_directive
}

output "if_no_else" {
  value = local.if_no_else
}

output "for_directive" {
  value = local.for_directive
}

output "for_with_index" {
  value = local.for_with_index
}

output "strip_markers" {
  value = local.strip_markers
}

output "strip_if" {
  value = local.strip_if
}

output "only_interp_type" {
  value = local.only_interp
}

output "numbers" {
  value = local.numbers
}

output "upstream" {
  value = terraform_data.nginx_conf.output
}
