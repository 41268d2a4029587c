locals {
  a = 1 # a
  bb = 22 # bb
  ccc = [ # open list
    1, # one
    22, # two
  ] # close
  d = "x"
}
