variable "instance_size" {
  default = "medium"
}

locals {
  region = "ca-central-1"
}
