locals {
  greeting = "Hello, ${var.name}!"
  dir      = "${path.module}/files"
  control  = "%{if var.x}yes%{else}no%{endif}"
  escaped  = "$${not_interp} and %%{ not_control }"
  nested   = join(", ", var.list)
  spaced   = "${var.a}-${var.b}"
}
