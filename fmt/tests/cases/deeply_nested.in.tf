module "m" {
  source = "./m"
  settings = {
    level1 = {
      level2 = {
        level3 = [
          {
            name = "x"
            values = [1, 2, 3]
          },
        ]
      }
    }
  }
}
