locals {
  config = {
    app = {
      name = "checkout"
      ports = {
        http  = 80
        https = 443
      }
      replicas = [
        { zone = "eu-west-1a", weight = 2 },
        { zone = "eu-west-1b", weight = 1 },
      ]
    }
    "dashed-key" = "ok"
    matrix       = [[1, 2, 3], [4, 5, 6]]
  }
  key   = "https"
  first = 0
}

resource "terraform_data" "service" {
  input = local.config.app
}

output "name" {
  value = local.config.app.name
}

output "index_with_string_key" {
  value = local.config["app"]["ports"]["http"]
}

output "index_with_expression" {
  value = local.config.app.ports[local.key]
}

output "dashed" {
  value = local.config["dashed-key"]
}

output "matrix_element" {
  value = local.config.matrix[1][2]
}

output "legacy_numeric_attr" {
  value = local.config.app.replicas.0.zone
}

output "computed_index" {
  value = local.config.app.replicas[local.first + 1].weight
}

output "resource_traversal" {
  value = terraform_data.service.output.ports.https
}

output "resource_nested_index" {
  value = terraform_data.service.output["replicas"][0]["zone"]
}

output "string_index_in_list" {
  value = local.config.matrix["0"][1]
}
