locals {
  sum = (1 +
    2 +
  3)
  call = merge(
    var.a,
    var.b,
    {
      c = 1
    },
  )
  chained = concat(var.a,
  var.b)
}
