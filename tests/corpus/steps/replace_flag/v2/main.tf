resource "terraform_data" "vm" {
  count = 2
  input = "vm-${count.index}"
}

resource "terraform_data" "disk" {
  input = "disk-for-${terraform_data.vm[0].output}"
}

output "vms" {
  value = terraform_data.vm[*].output
}
