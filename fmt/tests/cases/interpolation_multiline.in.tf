locals {
  a = "${
    var.x
  }"
  b = "${var.enabled ?
    "yes" :
    "no"}"
  c = "${(var.enabled ?
    1 :
    2)}"
}
