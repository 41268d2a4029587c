variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "instance_count" {
  type    = number
  default = 1
}

variable "owner" {
  type    = string
  default = "nobody"
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "allowed_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "feature_flags" {
  type = object({
    canary  = bool
    tracing = bool
  })
  default = {
    canary  = false
    tracing = false
  }
}

variable "log_level" {
  type    = string
  default = "info"
}

variable "only_default" {
  type    = string
  default = "from-default"
}

variable "build_id" {
  type    = string
  default = "local"
}

variable "max_connections" {
  type    = number
  default = 10
}
