variable "release" {
  type = object({
    version  = string
    checksum = string
  })
  default = {
    version  = "5.0.2"
    checksum = "9f86d081884c7d65"
  }
}

resource "terraform_data" "artifact" {
  input = "artifact-${var.release.version}"
  triggers_replace = {
    version  = var.release.version
    checksum = var.release.checksum
  }
}

resource "terraform_data" "deploy" {
  triggers_replace = [terraform_data.artifact.output, "blue-green"]
}

resource "terraform_data" "no_input" {
}

resource "terraform_data" "list_input" {
  input            = ["one", 2, true]
  triggers_replace = "static"
}

output "artifact" {
  value = terraform_data.artifact.output
}

output "deploy_output_is_null" {
  value = terraform_data.deploy.output == null
}

output "list_input" {
  value = terraform_data.list_input.output
}

output "triggers" {
  value = terraform_data.artifact.triggers_replace
}
