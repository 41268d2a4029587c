resource "terraform_data" "launch_template" {
  input = { image = "app:1.1", size = "t3.small" }
}

resource "terraform_data" "autoscaling_group" {
  input = "asg-web"

  lifecycle {
    replace_triggered_by = [terraform_data.launch_template]
  }
}

resource "terraform_data" "listener" {
  input = "listener-443"

  lifecycle {
    replace_triggered_by = [terraform_data.launch_template.output.size]
  }
}
