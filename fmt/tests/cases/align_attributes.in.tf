resource "aws_instance" "web" {
ami = "ami-123"
instance_type="t3.micro"
  count   =    2
  associate_public_ip_address = true

  x = 1
  longer_name = 2
}
