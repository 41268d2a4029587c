variable "name" {
  type = string
}

resource "terraform_data" "cluster" {
  input = "${var.name}-cluster"
}

resource "terraform_data" "schema" {
  input      = "${var.name}-schema"
  depends_on = [terraform_data.cluster]
}

output "endpoint" {
  value = "${terraform_data.cluster.output}.db.internal:5432"
}
