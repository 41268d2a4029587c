resource "terraform_data" "ami_build" {
  input            = "ami-build-2024-01"
  triggers_replace = { base_image = "ubuntu-24.04", packer_rev = 3 }
}

resource "terraform_data" "instance" {
  input            = "web-server"
  triggers_replace = terraform_data.ami_build.output
}

output "build" {
  value = terraform_data.ami_build.output
}
