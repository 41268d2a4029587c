locals {
  a = max(1, 2, 3)
  b = format("%s-%s", var.a, var.b)
  c = coalesce(var.list...)
  d = provider::terraform::encode_tfvars({})
  e = jsonencode({
    a = 1
  })
}
