locals {
a = 1
}
