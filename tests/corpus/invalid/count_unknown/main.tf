resource "terraform_data" "source" {
  input = 3
}

resource "terraform_data" "node" {
  count = terraform_data.source.output
  input = "node-${count.index}"
}
