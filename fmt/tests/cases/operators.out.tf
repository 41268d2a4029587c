locals {
  a = 1 + 2 * 3 / 4 % 5
  b = var.a == var.b
  c = var.a != var.b
  d = var.a >= var.b && var.c <= var.d
  e = var.a > var.b || var.c < var.d
  f = !var.x
  g = (1 + 2) * 3
}
