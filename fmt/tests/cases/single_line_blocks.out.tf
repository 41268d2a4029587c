resource "a" "b" {}
resource "a" "c" {}
resource "a" "d" { x = 1 }
locals {
  lifecycle { ignore_changes = all }
}
