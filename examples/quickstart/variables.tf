variable "domain" {
  type        = string
  description = "The public domain name of the web app."
  default     = "app.example.test"

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.[a-z]{2,}$", var.domain))
    error_message = "The domain must be a lower-case DNS name such as app.example.com."
  }
}

variable "organization" {
  type    = string
  default = "Example Corp"
}

variable "db_name" {
  type    = string
  default = "app"
}

variable "app_port" {
  type    = number
  default = 8080
}

variable "app_image" {
  type    = string
  default = "ghcr.io/example/web:1.4.2"
}
