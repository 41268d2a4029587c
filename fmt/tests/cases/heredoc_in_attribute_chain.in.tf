locals {
  a = 1
  policy = <<POLICY
{
  "Version": "2012-10-17"
}
POLICY
  longer_name = 3
}
