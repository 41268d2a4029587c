a=1
bb=2
# comment
c=3
