locals {
  namespace = "checkout"
  apps = {
    cart = {
      image    = "registry.example.com/cart:1.8.0"
      replicas = 3
      env      = { CACHE_URL = "redis://cache:6379", LOG_LEVEL = "info" }
    }
    payments = {
      image    = "registry.example.com/payments:4.2.1"
      replicas = 2
      env      = { PROVIDER = "stripe" }
    }
  }

  deployments = {
    for name, app in local.apps : name => yamlencode({
      apiVersion = "apps/v1"
      kind       = "Deployment"
      metadata   = { name = name, namespace = local.namespace, labels = { app = name } }
      spec = {
        replicas = app.replicas
        selector = { matchLabels = { app = name } }
        template = {
          metadata = { labels = { app = name } }
          spec = {
            containers = [{
              name  = name
              image = app.image
              env   = [for k, v in app.env : { name = k, value = v }]
            }]
          }
        }
      }
    })
  }
}

resource "terraform_data" "manifest" {
  for_each = local.deployments
  input    = each.value
}

output "deployments" {
  value = { for k, m in terraform_data.manifest : k => m.output }
}

output "service_yaml" {
  value = templatefile("${path.module}/templates/service.yaml.tftpl", {
    namespace = local.namespace
    services  = { for name, app in local.apps : name => 8080 }
  })
}

output "images" {
  value = [for a in local.apps : regex("^[^/]+/([^:]+):(.+)$", a.image)]
}

output "decoded_replicas" {
  value = { for k, m in local.deployments : k => yamldecode(m).spec.replicas }
}
