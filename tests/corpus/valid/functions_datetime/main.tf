locals {
  release_at  = "2024-02-28T22:30:00Z"
  maintenance = "2024-03-10T02:00:00+01:00"
}

output "formatdate" {
  value = {
    iso_date   = formatdate("YYYY-MM-DD", local.release_at)
    long       = formatdate("EEEE, DD MMMM YYYY 'at' hh:mm aa", local.release_at)
    short      = formatdate("EEE, D MMM YY H:m:s", local.release_at)
    rfc1123    = formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", local.release_at)
    with_zone  = formatdate("YYYY-MM-DD'T'hh:mm:ssZZZZZ", local.maintenance)
    zone_names = formatdate("Z ZZZZ", local.maintenance)
    twelve     = formatdate("h:mm AA", local.maintenance)
  }
}

output "timeadd" {
  value = {
    plus_day     = timeadd(local.release_at, "24h")
    leap_day     = timeadd(local.release_at, "1h30m")
    minus        = timeadd(local.release_at, "-45m")
    fractional   = timeadd(local.release_at, "1.5h")
    mixed_units  = timeadd(local.release_at, "1h2m3s4ms")
    keeps_offset = timeadd(local.maintenance, "10m")
  }
}

output "timecmp" {
  value = {
    before = timecmp(local.release_at, local.maintenance)
    after  = timecmp(local.maintenance, local.release_at)
    equal  = timecmp("2024-03-10T01:00:00Z", local.maintenance)
  }
}

resource "terraform_data" "window" {
  input = {
    starts = local.maintenance
    ends   = timeadd(local.maintenance, "2h")
  }
}

output "window" {
  value = terraform_data.window.output
}
