locals {
  obj = {
  a = 1
  bb = "two"
  "quoted key" = 3
  nested = {
  x = true
  }
  }
  inline = { a = 1, b = 2 }
  empty = { }
  colon = { a: 1, b: 2 }
}
