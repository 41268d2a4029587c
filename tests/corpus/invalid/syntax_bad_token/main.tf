locals {
  ports = [80, 443]
  total = length(local.ports) ^ 2
}
