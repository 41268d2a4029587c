locals {
script = <<EOT
#!/bin/bash
  echo   "hello"   
	tabbed line
EOT
  after = 1
}
