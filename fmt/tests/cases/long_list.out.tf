locals {
  list = [
    "a",
    "b",
    "c",
  ]
  inline = [1, 2, 3]
  nested = [[1, 2], [3, 4]]
  empty  = []
}
