resource "terraform_data" "vpc" {
  input = "vpc-main"
}

resource "terraform_data" "subnet" {
  for_each = toset(["a", "b"])
  input = {
    vpc  = terraform_data.vpc.output
    name = "subnet-${each.key}"
  }
}

resource "terraform_data" "instance" {
  count = 2
  input = {
    subnet      = terraform_data.subnet[count.index == 0 ? "a" : "b"].output.name
    vpc_id_len  = length(terraform_data.vpc.id)
    description = "instance ${count.index} in ${terraform_data.vpc.output}"
    static      = "always-known"
    tags        = { Name = "app-${count.index}", Vpc = terraform_data.vpc.output }
  }
}

resource "terraform_data" "summary" {
  input = {
    instance_count = length(terraform_data.instance)
    outputs        = terraform_data.instance[*].output.static
    joined         = join(",", [for s in terraform_data.subnet : s.output.name])
    conditional    = terraform_data.vpc.output == "vpc-main" ? "main" : "other"
  }
}

output "vpc" {
  value = terraform_data.vpc.output
}

output "instance_count" {
  value = length(terraform_data.instance)
}

output "summary" {
  value = terraform_data.summary.output
}

output "subnet_names" {
  value = sort([for s in terraform_data.subnet : s.output.name])
}
