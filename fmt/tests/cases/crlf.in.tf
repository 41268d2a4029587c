locals {
  a=1
  bbb = 2 # c
  h = <<EOT
  text
EOT
}
