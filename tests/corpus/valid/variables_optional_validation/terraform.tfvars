app = {
  name     = "ledger-api"
  replicas = 2
  monitoring = {
    interval = 30
  }
}
admin_email = null
