resource "aws_instance" "web" {
  ami = "${var.ami}"
  count = "${var.count}"
  tags = "${merge(var.tags, map("Name", "web"))}"
  keep = "${var.a}${var.b}"
  literal = "x${var.a}"
  nested_quotes = "${lookup(var.m, "${var.k}")}"
  spaced = "${ var.x }"
}
