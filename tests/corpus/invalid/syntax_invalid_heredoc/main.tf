locals {
  script = <<EOT
#!/bin/bash
echo "starting"
