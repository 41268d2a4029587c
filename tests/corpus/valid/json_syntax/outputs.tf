output "tags_from_hcl" {
  value = local.all_tags
}
