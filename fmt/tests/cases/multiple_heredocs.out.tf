locals {
  a = [
    <<A
first
A
    , <<-B
      second ${x}
    B
  ]
  c = "d"
  f = func(<<EOT
arg
EOT
  )
}
