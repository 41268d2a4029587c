locals {
  a = var.x ? 1 : 2
  b = var.x == 1 ? "one" : "other"
  c = (var.y > 3) && !var.z || var.w
  d = var.enabled ? [
    "x"
  ] : []
  neg = -1
  sub = var.a - -var.b
  mix = 2 * -3
}
