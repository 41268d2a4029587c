variable "name" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "port" {
  type    = number
  default = 8080
}

variable "tags" {
  type = map(string)
}
