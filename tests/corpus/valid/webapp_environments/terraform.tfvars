environment = "staging"

instances = {
  web1 = { size = "t3.small", zone = "eu-west-1a", public = true }
  web2 = { size = "t3.small", zone = "eu-west-1b", public = true }
  jobs = { size = "c5.large", zone = "eu-west-1a" }
}

db = {
  engine     = "postgres"
  version    = "15"
  storage_gb = 100
}
