resource "local_file" "f" {
  content  = <<-EOT
        line one ${var.name}
          line two ${upper(var.x)}
        %{for x in var.list~}
        item ${x}
        %{endfor~}
    EOT
  filename = "out.txt"
}
