locals {
	a	=	1
	bb = 2
	nested {
		c = "x	y"
	}
}
