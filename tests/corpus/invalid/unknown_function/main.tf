output "slug" {
  value = slugify("My Service")
}
