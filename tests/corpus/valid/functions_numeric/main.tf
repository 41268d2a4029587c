locals {
  disk_sizes = [20, 50, 8.5, 100]
}

output "numeric" {
  value = {
    abs        = abs(-12.5)
    ceil       = ceil(4.1)
    ceil_neg   = ceil(-4.9)
    floor      = floor(4.9)
    floor_neg  = floor(-4.1)
    max        = max(local.disk_sizes...)
    min        = min(3, 1.5, 9)
    pow        = pow(2, 10)
    pow_frac   = pow(9, 0.5)
    log        = log(1024, 2)
    log10      = log(1000, 10)
    signum     = [signum(-7), signum(0), signum(3)]
    parseint   = parseint("ff", 16)
    parseint_2 = parseint("-1010", 2)
    parseint_z = parseint("zz", 36)
    sum        = sum(local.disk_sizes)
    average    = sum(local.disk_sizes) / length(local.disk_sizes)
  }
}

output "big_numbers" {
  value = {
    big_mul   = 12345678901234567890 * 98765432109876543210
    max_int64 = 9223372036854775807 + 1
    small     = 0.000000001 * 3
    neg_zero  = -0
    third     = 1 / 3
    tonumber  = tonumber("340282366920938463463374607431768211456")
  }
}

resource "terraform_data" "disk" {
  count = length(local.disk_sizes)
  input = ceil(local.disk_sizes[count.index] * 1.1)
}

output "disk_with_headroom" {
  value = terraform_data.disk[*].output
}
