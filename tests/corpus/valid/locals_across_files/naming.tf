locals {
  project      = "telemetry"
  environment  = "sandbox"
  prefix       = "${local.project}-${local.environment}"
  subnet_names = [for t in local.tiers : "${local.prefix}-${t}"]
  tiers        = ["ingest", "process", "store"]
}
