locals {
  a = "${local.c}-a"
  b = "${local.a}-b"
  c = "${local.b}-c"
}

output "a" {
  value = local.a
}
