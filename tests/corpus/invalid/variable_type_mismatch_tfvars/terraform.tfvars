instance_count = "three"
zones          = "eu-west-1a"
