locals {   
  a = 1     
  # comment   

   
}   
