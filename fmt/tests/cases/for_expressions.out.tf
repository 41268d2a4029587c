locals {
  upper   = [for s in var.list : upper(s)]
  map     = { for k, v in var.map : k => v if v != null }
  grouped = { for k, v in var.m : v => k... }
  literal = [for x in [1, 2, 3] : x * 2]
  multi = [
    for s in var.list :
    s
    if s != ""
  ]
}
