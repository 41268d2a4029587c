resource "terraform_data" "autoscaled" {
  input = {
    desired_capacity = 2
    image            = "app:v1"
  }

  lifecycle {
    ignore_changes = [input]
  }
}

resource "terraform_data" "tagged" {
  input            = "tags-v1"
  triggers_replace = "stable"

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "tracked" {
  input = "tracked-v1"
}

output "autoscaled_image" {
  value = terraform_data.autoscaled.output.image
}
