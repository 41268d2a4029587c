// slash comment
locals {
      // inside
  a = 1 // aligned?
  bbb = 2    // second
  c = 3
  dddd = 4 // separate chain
}
