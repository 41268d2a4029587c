resource "aws_instance" "web" {
  ami = "x"
}
data "aws_ami" "latest" {
}
module "m" /* y */ {
  source = "./m"
}
