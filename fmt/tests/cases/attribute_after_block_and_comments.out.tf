resource "x" "y" {
  a = 1
  # comment between
  bb = 2

  block {
  }
  ccc  = 3
  dddd = <<EOT
x
EOT
}
