/* a block
   comment spanning
      lines */
locals {
  /* lead */ a = 1
  b            = /* inline */ 2
  c            = 3 /* trailing */
  /*
   * doc
   */
  d = 4
}
