locals {
  regions     = ["eu-west-1", "us-east-1", "ap-south-1", "eu-west-1"]
  base_tags   = { project = "storefront", managed_by = "terraform" }
  env_tags    = { environment = "prod", project = "storefront-prod" }
  team_access = { alice = ["admin", "dev"], bob = ["dev"], carol = ["ops", "dev"] }
  weights     = [3, 1.5, 4]
}

output "list_ops" {
  value = {
    length      = length(local.regions)
    concat      = concat(local.regions, ["sa-east-1"], [])
    distinct    = distinct(local.regions)
    reverse     = reverse(local.regions)
    sort        = sort(local.regions)
    sort_nums   = sort(["10", "9", "100"])
    slice       = slice(local.regions, 1, 3)
    element     = element(local.regions, 5)
    index       = index(local.regions, "us-east-1")
    contains    = contains(local.regions, "ap-south-1")
    chunklist   = chunklist(["a", "b", "c", "d", "e"], 2)
    flatten     = flatten([["a", ["b"]], [], "c"])
    compact     = compact(["a", "", "b", null, "c"])
    coalesce    = coalesce("", "fallback", "other")
    coalesce_n  = coalesce(null, 2, 3)
    coalescelst = coalescelist([], ["x", "y"], ["z"])
    range_1     = range(5)
    range_2     = range(1, 10, 3)
    range_3     = range(5, 0, -2)
    range_float = range(0, 1, 0.25)
    sum         = sum(local.weights)
    one_empty   = one([]) == null
    one_value   = one(["only"])
    alltrue     = alltrue([true, "true", 1 == 1])
    anytrue     = anytrue([false, 1 > 2])
    alltrue_0   = alltrue([])
  }
}

output "map_ops" {
  value = {
    merge      = merge(local.base_tags, local.env_tags, { owner = "team-web" })
    keys       = keys(local.env_tags)
    values     = values(local.env_tags)
    lookup     = lookup(local.base_tags, "project", "none")
    lookup_def = lookup(local.base_tags, "missing", "none")
    zipmap     = zipmap(["web", "api"], [80, 8080])
    transpose  = transpose(local.team_access)
    matchkeys  = matchkeys(["i-1", "i-2", "i-3"], ["eu", "us", "eu"], ["eu"])
  }
}

output "set_ops" {
  value = {
    setunion        = setunion(["a", "b"], ["b", "c"])
    setintersection = setintersection(["a", "b", "c"], ["b", "c", "d"], ["c", "b"])
    setsubtract     = setsubtract(["a", "b", "c"], ["b"])
    setproduct      = setproduct(["web", "api"], ["dev", "prod"])
    toset_dedupe    = toset(local.regions)
  }
}

resource "terraform_data" "tags" {
  input = merge(local.base_tags, local.env_tags)
}

output "merged_tags" {
  value = terraform_data.tags.output
}
