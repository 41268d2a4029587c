region="us-east-1"
instance_count=3
tags={
Environment="dev"
Team="infra"
}
zones=["a","b"]
