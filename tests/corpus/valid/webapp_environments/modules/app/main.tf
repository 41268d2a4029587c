variable "name" {
  type = string
}

variable "size" {
  type = string
}

variable "zone" {
  type = string
}

variable "public" {
  type = bool
}

variable "tags" {
  type = map(string)
}

variable "user_data" {
  type = string
}

resource "terraform_data" "instance" {
  input = {
    name      = var.name
    size      = var.size
    zone      = var.zone
    public_ip = var.public
    tags      = merge(var.tags, { Name = var.name })
    user_data = base64encode(var.user_data)
  }
}

output "name" {
  value = terraform_data.instance.output.name
}

output "user_data_lines" {
  value = length(compact(split("\n", var.user_data)))
}
