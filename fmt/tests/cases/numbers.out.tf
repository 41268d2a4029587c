locals {
  a = 1.5
  b = 1e10
  c = 1.2e-3
  d = [1, 2.0, 3e+2]
}
