instance_count = 3
log_level      = "debug"
