resource "terraform_data" "autoscaled" {
  input = {
    desired_capacity = 5
    image            = "app:v2"
  }

  lifecycle {
    ignore_changes = [input]
  }
}

resource "terraform_data" "tagged" {
  input            = "tags-v2"
  triggers_replace = "stable"

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "tracked" {
  input = "tracked-v2"
}

output "autoscaled_image" {
  value = terraform_data.autoscaled.output.image
}
