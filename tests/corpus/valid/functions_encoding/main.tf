locals {
  service = {
    name     = "orders"
    replicas = 3
    public   = false
    ports    = [8080, 8443]
    labels   = { tier = "backend", "app.kubernetes.io/name" = "orders" }
    empty    = null
  }

  users_csv = <<-CSV
    name,role,uid
    alice,admin,1001
    bob,"dev, ops",1002
  CSV

  yaml_doc = <<-YAML
    name: orders
    replicas: 3
    enabled: true
    ratio: 0.75
    tags:
      - backend
      - "critical"
    limits: {cpu: "500m", memory: 1Gi}
    nothing: ~
  YAML
}

output "json" {
  value = {
    encoded      = jsonencode(local.service)
    special      = jsonencode({ html = "<b>&amp;</b>", unicode = "é", tab = "a\tb" })
    decoded      = jsondecode("{\"a\": [1, 2.5, \"x\", true, null], \"b\": {\"c\": {}}}")
    number_float = jsonencode(0.1 + 0.2)
    roundtrip    = jsondecode(jsonencode(local.service)).labels
  }
}

output "yaml" {
  value = {
    encoded = yamlencode(local.service)
    decoded = yamldecode(local.yaml_doc)
    list    = yamlencode(["a", 1, true, null, { k = "v" }])
  }
}

output "csv" {
  value = csvdecode(local.users_csv)
}

output "base64" {
  value = {
    encode     = base64encode("orders:s3cr3t")
    decode     = base64decode("aGVsbG8gd29ybGQ=")
    utf16      = textencodebase64("Hi ☃", "UTF-16LE")
    from_utf16 = textdecodebase64("SABpACAAAyY=", "UTF-16LE")
    gzip       = base64gzip("hello hello hello hello")
  }
}

output "url" {
  value = {
    query  = urlencode("name=orders service&env=prod/eu")
    simple = urlencode("abc-_.~")
  }
}

resource "terraform_data" "manifest" {
  input = yamlencode({ kind = "Deployment", metadata = { name = local.service.name } })
}

output "manifest" {
  value = terraform_data.manifest.output
}
