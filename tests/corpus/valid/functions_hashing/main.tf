locals {
  payload = "deploy:orders:v1.4.2"
}

output "hashes" {
  value = {
    md5          = md5(local.payload)
    sha1         = sha1(local.payload)
    sha256       = sha256(local.payload)
    sha512       = sha512(local.payload)
    base64sha256 = base64sha256(local.payload)
    base64sha512 = base64sha512(local.payload)
    unicode_sha1 = sha1("café")
    empty_md5    = md5("")
  }
}

output "uuids" {
  value = {
    dns   = uuidv5("dns", "orders.example.com")
    url   = uuidv5("url", "https://orders.example.com/")
    oid   = uuidv5("oid", "1.3.6.1.4.1.343")
    x500  = uuidv5("x500", "CN=orders,O=Example")
    other = uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "orders")
  }
}

resource "terraform_data" "release" {
  for_each = toset(["orders", "billing"])
  input = {
    release_id = uuidv5("dns", "${each.key}.example.com")
    checksum   = substr(sha256(each.key), 0, 12)
  }
}

output "release_ids" {
  value = { for k, r in terraform_data.release : k => r.output.release_id }
}
