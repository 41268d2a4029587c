region         = "eu-west-1"
environment    = "staging"
instance_count = 2
owner          = "tfvars"
log_level      = "warn"
