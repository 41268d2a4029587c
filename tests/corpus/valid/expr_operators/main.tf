terraform {
  required_version = ">= 1.5.0, < 2.0.0"
}

locals {
  instance_count = 3
  base_port      = 8080
  cpu_credits    = 12.5

  arithmetic = {
    precedence      = 2 + 3 * 4
    grouped         = (2 + 3) * 4
    division        = 10 / 4
    modulo          = 17 % 5
    negative_modulo = -7 % 3
    unary_minus     = -local.base_port + 1
    mixed           = 1 + 2 * 3 - 4 / 2 % 3
    float_sum       = 0.1 + 0.2
    two_thirds      = 100 * 2 / 3
    big             = 9007199254740993 + 2
    huge            = 123456789012345678901234567890 * 10
    scientific      = 1.5e3 + 2E-2
    credits_total   = local.cpu_credits * local.instance_count
  }

  comparison = {
    lt     = local.instance_count < 5
    le     = 3 <= 3
    gt     = 2.5 > 2.49
    ge     = -1 >= 0
    eq_num = 1.0 == 1
    eq_str = "web" == "web"
    ne     = "web" != "api"
    eq_mix = [1, 2] == [1, 2]
    eq_obj = { a = 1 } == { a = 1 }
  }

  logic = {
    and_or      = true || false && false
    grouped     = (true || false) && false
    not         = !false && !(1 > 2)
    chained     = local.instance_count > 1 && local.base_port == 8080 || false
    compare_mix = 1 + 1 == 2 && 3 * 2 > 5
  }

  ports = [for i in range(local.instance_count) : local.base_port + i * 10]
}

resource "terraform_data" "calc" {
  input = {
    arithmetic = local.arithmetic
    ports      = local.ports
  }
}

output "arithmetic" {
  value = local.arithmetic
}

output "comparison" {
  value = local.comparison
}

output "logic" {
  value = local.logic
}

output "ports" {
  value = terraform_data.calc.output.ports
}

output "last_port_even" {
  value = terraform_data.calc.output.ports[2] % 2 == 0
}
