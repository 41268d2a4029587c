locals {
  a = [
    1,
    2
  ]
  b = {
    a = 1,
    b = 2,
  }
  c = [for x in var.l : { name = x, id = 1 }]
}
