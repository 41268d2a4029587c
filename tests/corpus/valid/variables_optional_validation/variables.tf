variable "app" {
  type = object({
    name        = string
    environment = optional(string, "dev")
    replicas    = optional(number, 1)
    ports       = optional(list(number), [80])
    monitoring = optional(object({
      enabled  = optional(bool, true)
      interval = optional(number, 60)
      endpoint = optional(string)
    }), {})
    labels = optional(map(string))
  })

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}$", var.app.name))
    error_message = "The app name must be lowercase alphanumeric with dashes."
  }

  validation {
    condition     = contains(["dev", "staging", "prod"], var.app.environment)
    error_message = "Environment must be dev, staging or prod."
  }
}

variable "services" {
  type = map(object({
    port     = number
    protocol = optional(string, "tcp")
    public   = optional(bool, false)
  }))
  default = {
    web = { port = 443, public = true }
    dns = { port = 53, protocol = "udp" }
    ssh = { port = 22 }
  }

  validation {
    condition     = alltrue([for s in var.services : s.port > 0 && s.port < 65536])
    error_message = "Every port must be between 1 and 65535."
  }
}

variable "admin_email" {
  type        = string
  description = "Where alerts go."
  nullable    = false
  default     = "ops@example.com"
}

variable "optional_note" {
  type     = string
  default  = null
  nullable = true
}

variable "api_key" {
  type      = string
  sensitive = true
  default   = "ak_test_000111"

  validation {
    condition     = length(var.api_key) > 8
    error_message = "The API key is too short."
  }
}
