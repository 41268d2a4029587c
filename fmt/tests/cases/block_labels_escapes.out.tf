resource "aA" "b\\c" {}
resource "c" {}
locals {
  x = "\u0041"
}
