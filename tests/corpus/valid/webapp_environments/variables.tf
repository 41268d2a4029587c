variable "environment" {
  type = string
}

variable "app_name" {
  type    = string
  default = "storefront"
}

variable "instances" {
  type = map(object({
    size   = string
    zone   = string
    public = optional(bool, false)
  }))
}

variable "db" {
  type = object({
    engine         = string
    version        = string
    storage_gb     = number
    multi_az       = optional(bool, false)
    backup_windows = optional(list(string), ["03:00-04:00"])
  })
}

variable "db_password" {
  type      = string
  sensitive = true
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}
