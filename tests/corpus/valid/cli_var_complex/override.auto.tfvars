retention  = 14
enable_waf = false
