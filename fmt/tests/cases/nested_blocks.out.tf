resource "aws_security_group" "sg" {
  name = "sg"
  ingress {
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port = 0
  }
  lifecycle {
    create_before_destroy = true
    ignore_changes        = [tags]
  }
}
