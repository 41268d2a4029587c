locals {
  hosts = ["a", "b"]
  list  = "%{ for h in local.hosts }${h},"
}
