resource "terraform_data" "app" {
  input = "app"

  settings {
    debug = true
  }
}

variable "x" {
  type = string
  defaults {
  }
}
