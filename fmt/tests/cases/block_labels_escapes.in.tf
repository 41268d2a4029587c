resource "a\u0041" "b\\c" {}
resource "a$b" "c" {}
locals {
  x = "\u0041"
}
