locals {
  app     = "  Customer-Portal  "
  domains = ["portal.example.com", "api.example.com", "static.example.com"]
  welcome = "Hello, $${name}!"
  log     = "2024-03-01 ERROR db timeout; 2024-03-02 WARN slow query; 2024-03-03 ERROR disk full"
}

output "case" {
  value = {
    upper = upper(local.app)
    lower = lower(local.app)
    title = title("hello web team")
  }
}

output "trimming" {
  value = {
    trimspace   = trimspace(local.app)
    trim        = trim("--==portal==--", "-=")
    trimprefix  = trimprefix("prod-portal", "prod-")
    trimsuffix  = trimsuffix("portal.example.com", ".com")
    chomp       = chomp("line\r\n\n")
    nonprefixed = trimprefix("portal", "dev-")
  }
}

output "formatting" {
  value = {
    format_str   = format("%s-%03d", "web", 7)
    format_float = format("%.2f|%8.3f|%-6s|", 3.14159, 2.5, "ab")
    format_verbs = format("%d %t %q %v %x %X %o %b %e", 42, true, "quoted", [1, 2], 255, 255, 8, 5, 1234.5)
    format_pct   = format("%d%% done", 75)
    format_wide  = format("%d %x %.0f %.20f %.3e %g %v", pow(2, 60), pow(2, 60), pow(2, 60), pow(2, 0.5), pow(2, 60), pow(2, 60), pow(2, 60))
    format_halfs = format("%.2f %.1f %.1f %.0f %.2f", 2.675, 0.45, 0.25, 2.5, -0.125)
    formatlist   = formatlist("https://%s/health", local.domains)
    formatlist2  = formatlist("%s=%s", ["a", "b"], ["1", "2"])
    indent       = indent(4, "first\nsecond\nthird")
    join         = join(", ", local.domains)
    split        = split(".", "portal.example.com")
  }
}

output "searching" {
  value = {
    replace_plain = replace("portal.example.com", ".", "_")
    replace_regex = replace("web-01,web-02", "/web-(\\d+)/", "app$1")
    regex_simple  = regex("[0-9]+", "build 4711 ok")
    regex_groups  = regex("(\\d{4})-(\\d{2})-(\\d{2})", "released 2024-03-15")
    regex_named   = regex("(?P<user>[a-z]+)@(?P<host>[a-z.]+)", "ops@example.com")
    regexall      = regexall("ERROR ([a-z ]+)", local.log)
    regexall_n    = length(regexall("ERROR", local.log))
    startswith    = startswith("portal.example.com", "portal")
    endswith      = endswith("portal.example.com", ".org")
    strcontains   = strcontains(local.log, "WARN")
  }
}

output "substrings" {
  value = {
    substr          = substr("customer-portal", 0, 8)
    substr_negative = substr("customer-portal", -6, -1)
    substr_long     = substr("abc", 1, 100)
    strrev          = strrev("stressed")
    length          = length("portal")
    unicode_length  = length("café ☕")
    unicode_substr  = substr("naïve café", 6, 4)
    unicode_upper   = upper("straße")
  }
}

output "templatestring" {
  value = templatestring(local.welcome, { name = "ops" })
}
