# top comment
  # indented comment
variable "a" {   # trailing on block line
default = 1 # one
  description = "x"   # two
type = number
}
