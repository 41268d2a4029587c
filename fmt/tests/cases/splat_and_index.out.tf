output "ids" {
  value = aws_instance.web[*].id
}
output "first" {
  value = aws_instance.web[0].id
}
output "legacy" {
  value = aws_instance.web.*.id
}
output "map" {
  value = var.m["key"]
}
output "call_index" {
  value = split(",", var.s)[0]
}
