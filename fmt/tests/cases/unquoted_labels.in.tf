resource aws_instance web {
  ami = "x"
}
data aws_ami "latest" {
}
module /* x */ "m" /* y */ {
  source = "./m"
}
