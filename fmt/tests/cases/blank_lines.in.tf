


terraform {
  required_version = ">= 1.0"



}



locals {

  a = 1


  b = 2
}


