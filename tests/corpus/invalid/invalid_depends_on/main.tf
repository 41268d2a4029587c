resource "terraform_data" "db" {
  input = "db"
}

resource "terraform_data" "app" {
  input      = "app"
  depends_on = [terraform_data.db.output, "terraform_data.db"]
}
