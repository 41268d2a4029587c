//! `terraform console` parity for the collection functions: every expected result below is
//! the output of Terraform 1.11.4 for the same expression (whitespace collapsed).

mod funcs_a_support;

#[test]
fn collection_functions_match_terraform_console() {
    funcs_a_support::check_all(&[
        (r#"alltrue([true, true])"#, r#"true"#),
        (r#"alltrue([true, false])"#, r#"false"#),
        (r#"alltrue([])"#, r#"true"#),
        (r#"alltrue(["true"])"#, r#"true"#),
        (
            r#"alltrue([1])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: element 0: bool required."#,
        ),
        (r#"anytrue([false, true])"#, r#"true"#),
        (r#"anytrue([])"#, r#"false"#),
        (r#"anytrue([false])"#, r#"false"#),
        (
            r#"chunklist(["a","b","c","d","e"], 2)"#,
            r#"tolist([ tolist([ "a", "b", ]), tolist([ "c", "d", ]), tolist([ "e", ]), ])"#,
        ),
        (
            r#"chunklist(["a","b"], 0)"#,
            r#"tolist([ tolist([ "a", "b", ]), ])"#,
        ),
        (r#"chunklist([], 2)"#, r#"tolist([])"#),
        (
            r#"chunklist(["a"], -1)"#,
            r#"Error: Error in function call Call to function "chunklist" failed: the size argument must be positive."#,
        ),
        (
            r#"chunklist(["a"], 1.5)"#,
            r#"Error: Error in function call Call to function "chunklist" failed: invalid size: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (r#"coalesce("", "b", "c")"#, r#""b""#),
        (r#"coalesce(null, 1, 2)"#, r#"1"#),
        (r#"coalesce(1, "a")"#, r#""1""#),
        (
            r#"coalesce(null, "")"#,
            r#"Error: Error in function call Call to function "coalesce" failed: no non-null, non-empty-string arguments."#,
        ),
        (r#"coalesce([], ["a"])"#, r#"tolist([])"#),
        (
            r#"coalesce(true, [])"#,
            r#"Error: Error in function call Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (
            r#"coalesce()"#,
            r#"Error: Error in function call Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (r#"coalescelist([], ["a", "b"])"#, r#"[ "a", "b", ]"#),
        (r#"coalescelist(["x"], ["a", "b"])"#, r#"[ "x", ]"#),
        (
            r#"coalescelist([], [])"#,
            r#"Error: Error in function call Call to function "coalescelist" failed: no non-null arguments."#,
        ),
        (
            r#"coalescelist("a")"#,
            r#"Error: Error in function call Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."#,
        ),
        (
            r#"coalescelist()"#,
            r#"Error: Error in function call Call to function "coalescelist" failed: at least one argument is required."#,
        ),
        (r#"compact(["a", "", "b", ""])"#, r#"tolist([ "a", "b", ])"#),
        (r#"compact([])"#, r#"tolist([])"#),
        (r#"concat(["a"], ["b", "c"])"#, r#"[ "a", "b", "c", ]"#),
        (r#"concat(["a"], [1, true])"#, r#"[ "a", 1, true, ]"#),
        (
            r#"concat(tolist(["a"]), tolist(["b"]))"#,
            r#"tolist([ "a", "b", ])"#,
        ),
        (
            r#"concat(tolist(["a"]), tolist([1]))"#,
            r#"tolist([ "a", "1", ])"#,
        ),
        (r#"concat(tolist(["a"]), ["b"])"#, r#"[ "a", "b", ]"#),
        (
            r#"concat(["a"], 1)"#,
            r#"Error: Invalid function argument Invalid value for "seqs" parameter: all arguments must be lists or tuples; got number."#,
        ),
        (
            r#"concat()"#,
            r#"Error: Error in function call Call to function "concat" failed: at least one argument is required."#,
        ),
        (
            r#"concat(toset(["a"]), ["b"])"#,
            r#"Error: Invalid function argument Invalid value for "seqs" parameter: all arguments must be lists or tuples; got set of string."#,
        ),
        (r#"contains(["a", "b"], "b")"#, r#"true"#),
        (r#"contains(["a", "b"], "c")"#, r#"false"#),
        (r#"contains([1, 2], "1")"#, r#"false"#),
        (r#"contains([], 1)"#, r#"false"#),
        (r#"contains(toset(["a"]), "a")"#, r#"true"#),
        (
            r#"contains({a=1}, 1)"#,
            r#"Error: Error in function call Call to function "contains" failed: argument must be list, tuple, or set."#,
        ),
        (
            r#"contains("abc", "a")"#,
            r#"Error: Error in function call Call to function "contains" failed: argument must be list, tuple, or set."#,
        ),
        (
            r#"distinct(["a", "b", "a", "c", "b"])"#,
            r#"tolist([ "a", "b", "c", ])"#,
        ),
        (r#"distinct([])"#, r#"tolist([])"#),
        (r#"distinct([1, "1"])"#, r#"tolist([ "1", ])"#),
        (r#"element(["a", "b", "c"], 1)"#, r#""b""#),
        (r#"element(["a", "b", "c"], 4)"#, r#""b""#),
        (r#"element(tolist(["a", "b"]), -1)"#, r#""b""#),
        (
            r#"element([], 0)"#,
            r#"Error: Error in function call Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            r#"element(tolist([]), 0)"#,
            r#"Error: Error in function call Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            r#"element("abc", 0)"#,
            r#"Error: Error in function call Call to function "element" failed: cannot read elements from string."#,
        ),
        (
            r#"element(["a"], 1.5)"#,
            r#"Error: Error in function call Call to function "element" failed: invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"flatten([["a", "b"], [], ["c"]])"#,
            r#"[ "a", "b", "c", ]"#,
        ),
        (
            r#"flatten([[["a"]], "b", [["c", ["d"]]]])"#,
            r#"[ "a", "b", "c", "d", ]"#,
        ),
        (r#"flatten([])"#, r#"[]"#),
        (
            r#"flatten("a")"#,
            r#"Error: Error in function call Call to function "flatten" failed: can only flatten lists, sets and tuples."#,
        ),
        (
            r#"flatten([toset(["b", "a"]), tolist(["c"])])"#,
            r#"[ "a", "b", "c", ]"#,
        ),
        (r#"flatten([null, [null]])"#, r#"[ null, null, ]"#),
        (r#"index(["a", "b", "c"], "b")"#, r#"1"#),
        (
            r#"index(["a", "b", "c"], "d")"#,
            r#"Error: Error in function call Call to function "index" failed: item not found."#,
        ),
        (
            r#"index([], "a")"#,
            r#"Error: Error in function call Call to function "index" failed: cannot search an empty list."#,
        ),
        (
            r#"index({a="b"}, "b")"#,
            r#"Error: Error in function call Call to function "index" failed: argument must be a list or tuple."#,
        ),
        (
            r#"index([1, 2], "2")"#,
            r#"Error: Error in function call Call to function "index" failed: item not found."#,
        ),
        (r#"keys({a=1, b=2})"#, r#"[ "a", "b", ]"#),
        (r#"keys(tomap({b="x", a="y"}))"#, r#"tolist([ "a", "b", ])"#),
        (r#"keys({})"#, r#"[]"#),
        (r#"keys(tomap({}))"#, r#"tolist([])"#),
        (
            r#"keys(1)"#,
            r#"Error: Invalid function argument Invalid value for "inputMap" parameter: must have map or object type."#,
        ),
        (
            r#"keys([1])"#,
            r#"Error: Invalid function argument Invalid value for "inputMap" parameter: must have map or object type."#,
        ),
        (r#"length("hello")"#, r#"5"#),
        (r#"length("")"#, r#"0"#),
        (r#"length("🤔🤔")"#, r#"2"#),
        (r#"length("e\u0301")"#, r#"1"#),
        (r#"length([1, 2, 3])"#, r#"3"#),
        (r#"length({a=1})"#, r#"1"#),
        (r#"length(tomap({a=1, b=2}))"#, r#"2"#),
        (r#"length(toset(["a", "a", "b"]))"#, r#"2"#),
        (
            r#"length(1)"#,
            r#"Error: Error in function call Call to function "length" failed: argument must be a string, a collection type, or a structural type."#,
        ),
        (
            r#"length(true)"#,
            r#"Error: Error in function call Call to function "length" failed: argument must be a string, a collection type, or a structural type."#,
        ),
        (
            r#"length(null)"#,
            r#"Error: Invalid function argument Invalid value for "value" parameter: argument must not be null."#,
        ),
        (
            r#"list(1, 2)"#,
            r#"Error: Error in function call Call to function "list" failed: the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list."#,
        ),
        (
            r#"map("a", 1)"#,
            r#"Error: Error in function call Call to function "map" failed: the "map" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map."#,
        ),
        (r#"lookup({a=1, b=2}, "a")"#, r#"1"#),
        (r#"lookup({a=1}, "b", "x")"#, r#""x""#),
        (
            r#"lookup({a=1}, "b")"#,
            r#"Error: Invalid function argument Invalid value for "inputMap" parameter: the given object has no attribute "b"."#,
        ),
        (r#"lookup(tomap({a="1"}), "a")"#, r#""1""#),
        (r#"lookup(tomap({a="1"}), "b", "d")"#, r#""d""#),
        (r#"lookup(tomap({a="1"}), "b", 2)"#, r#""2""#),
        (
            r#"lookup(tomap({a=1}), "b", {})"#,
            r#"Error: Invalid function argument Invalid value for "default" parameter: the default value must have the same type as the map elements."#,
        ),
        (
            r#"lookup(tomap({a=1}), "b")"#,
            r#"Error: Error in function call Call to function "lookup" failed: lookup failed to find key "b"."#,
        ),
        (
            r#"lookup([1], "a")"#,
            r#"Error: Invalid function argument Invalid value for "inputMap" parameter: lookup() requires a map as the first argument."#,
        ),
        (
            r#"lookup({a=1}, "a", 1, 2)"#,
            r#"Error: Error in function call Call to function "lookup" failed: lookup() takes two or three arguments, got 4."#,
        ),
        (
            r#"lookup({a=1})"#,
            r#"Error: Not enough function arguments Function "lookup" expects at least 2 argument(s). Missing value for "key"."#,
        ),
        (
            r#"matchkeys(["i-1", "i-2", "i-3"], ["us-1", "us-2", "us-1"], ["us-1"])"#,
            r#"tolist([ "i-1", "i-3", ])"#,
        ),
        (
            r#"matchkeys(["a", "b"], [1, 2], ["2"])"#,
            r#"tolist([ "b", ])"#,
        ),
        (
            r#"matchkeys(["a"], [1, 2], [1])"#,
            r#"Error: Error in function call Call to function "matchkeys" failed: length of keys and values should be equal."#,
        ),
        (r#"matchkeys(["a"], [1], [])"#, r#"tolist([])"#),
        (
            r#"matchkeys(["a"], [1], [[1]])"#,
            r#"Error: Error in function call Call to function "matchkeys" failed: keys and searchset must be of the same type."#,
        ),
        (r#"merge({a=1}, {b=2})"#, r#"{ "a" = 1 "b" = 2 }"#),
        (r#"merge({a=1, b=2}, {b=3})"#, r#"{ "a" = 1 "b" = 3 }"#),
        (
            r#"merge(tomap({a=1}), tomap({b=2}))"#,
            r#"tomap({ "a" = 1 "b" = 2 })"#,
        ),
        (
            r#"merge(tomap({a=1}), {b="x"})"#,
            r#"{ "a" = 1 "b" = "x" }"#,
        ),
        (
            r#"merge(tomap({a=1}), tomap({b="x"}))"#,
            r#"{ "a" = 1 "b" = "x" }"#,
        ),
        (r#"merge()"#, r#"{}"#),
        (r#"merge(null, {a=1})"#, r#"{ "a" = 1 }"#),
        (r#"merge({a=1}, null)"#, r#"{ "a" = 1 }"#),
        (
            r#"merge(1)"#,
            r#"Error: Error in function call Call to function "merge" failed: arguments must be maps or objects, got "number"."#,
        ),
        (
            r#"merge([1])"#,
            r#"Error: Error in function call Call to function "merge" failed: arguments must be maps or objects, got "tuple"."#,
        ),
        (r#"one([])"#, r#"null"#),
        (r#"one(["a"])"#, r#""a""#),
        (
            r#"one(["a", "b"])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (r#"one(tolist(["x"]))"#, r#""x""#),
        (r#"one(tolist([]))"#, r#"null"#),
        (r#"one(toset([]))"#, r#"null"#),
        (
            r#"one("a")"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (r#"range(3)"#, r#"tolist([ 0, 1, 2, ])"#),
        (r#"range(1, 4)"#, r#"tolist([ 1, 2, 3, ])"#),
        (r#"range(1, 8, 2)"#, r#"tolist([ 1, 3, 5, 7, ])"#),
        (r#"range(-3)"#, r#"tolist([ 0, -1, -2, ])"#),
        (r#"range(4, 1)"#, r#"tolist([ 4, 3, 2, ])"#),
        (
            r#"range(1, 4, -1)"#,
            r#"Error: Invalid function argument Invalid value for "params" parameter: end must be less than start when step is negative."#,
        ),
        (r#"range(0, 1, 0.25)"#, r#"tolist([ 0, 0.25, 0.5, 0.75, ])"#),
        (
            r#"range(0, 1, 0)"#,
            r#"Error: Error in function call Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        (
            r#"range()"#,
            r#"Error: Error in function call Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            r#"range(1, 2, 3, 4)"#,
            r#"Error: Error in function call Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            r#"range(0, 2000)"#,
            r#"Error: Error in function call Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        (r#"reverse([1, 2, 3])"#, r#"[ 3, 2, 1, ]"#),
        (r#"reverse(["a", 1])"#, r#"[ 1, "a", ]"#),
        (r#"reverse(tolist(["a", "b"]))"#, r#"tolist([ "b", "a", ])"#),
        (r#"reverse(toset(["a", "b"]))"#, r#"tolist([ "b", "a", ])"#),
        (r#"reverse([])"#, r#"[]"#),
        (
            r#"reverse("abc")"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: can only reverse list or tuple values, not string."#,
        ),
        (
            r#"setintersection(["a", "b"], ["b", "c"], ["b", "d"])"#,
            r#"toset([ "b", ])"#,
        ),
        (r#"setintersection(["a"], ["b"])"#, r#"toset([])"#),
        (r#"setintersection([], [])"#, r#"toset([])"#),
        (r#"setintersection(["a"], [1])"#, r#"toset([])"#),
        (
            r#"setproduct(["development", "staging"], ["app1", "app2"])"#,
            r#"tolist([ [ "development", "app1", ], [ "development", "app2", ], [ "staging", "app1", ], [ "staging", "app2", ], ])"#,
        ),
        (
            r#"setproduct(["a"], [1, 2])"#,
            r#"tolist([ [ "a", 1, ], [ "a", 2, ], ])"#,
        ),
        (
            r#"setproduct(toset(["a"]), ["b"])"#,
            r#"toset([ [ "a", "b", ], ])"#,
        ),
        (r#"setproduct(["a"], [])"#, r#"tolist([])"#),
        (
            r#"setproduct(["a"])"#,
            r#"Error: Error in function call Call to function "setproduct" failed: at least two arguments are required."#,
        ),
        (
            r#"setproduct("a", ["b"])"#,
            r#"Error: Invalid function argument Invalid value for "sets" parameter: a set or a list is required."#,
        ),
        (
            r#"setsubtract(["a", "b", "c"], ["a", "c"])"#,
            r#"toset([ "b", ])"#,
        ),
        (r#"setsubtract([1, 2], ["2"])"#, r#"toset([ "1", ])"#),
        (r#"setsubtract([], [])"#, r#"toset([])"#),
        (
            r#"setunion(["a", "b"], ["b", "c"], ["d"])"#,
            r#"toset([ "a", "b", "c", "d", ])"#,
        ),
        (r#"setunion(["a"], [1])"#, r#"toset([ "1", "a", ])"#),
        (r#"setunion([], [])"#, r#"toset([])"#),
        (r#"setunion([], ["a"])"#, r#"toset([ "a", ])"#),
        (
            r#"setunion(["a"], [[1]])"#,
            r#"Error: Error in function call Call to function "setunion" failed: given sets must all have compatible element types."#,
        ),
        (r#"slice(["a", "b", "c", "d"], 1, 3)"#, r#"[ "b", "c", ]"#),
        (r#"slice(tolist(["a", "b", "c"]), 0, 0)"#, r#"tolist([])"#),
        (
            r#"slice(["a", "b"], 0, 3)"#,
            r#"Error: Invalid function argument Invalid value for "end_index" parameter: end index must not be greater than the length of the list."#,
        ),
        (
            r#"slice(["a", "b"], -1, 1)"#,
            r#"Error: Invalid function argument Invalid value for "start_index" parameter: start index must not be less than zero."#,
        ),
        (
            r#"slice(["a", "b"], 2, 1)"#,
            r#"Error: Invalid function argument Invalid value for "start_index" parameter: start index must not be greater than end index."#,
        ),
        (
            r#"slice(toset(["a"]), 0, 1)"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important."#,
        ),
        (
            r#"slice("ab", 0, 1)"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: must be a list or tuple value."#,
        ),
        (
            r#"sort(["e", "d", "a", "x"])"#,
            r#"tolist([ "a", "d", "e", "x", ])"#,
        ),
        (r#"sort([3, 10, 1])"#, r#"tolist([ "1", "10", "3", ])"#),
        (r#"sort([])"#, r#"tolist([])"#),
        (
            r#"sort(["b", "B", "a", "_"])"#,
            r#"tolist([ "B", "_", "a", "b", ])"#,
        ),
        (r#"sum([10, 13, 6, 4.5])"#, r#"33.5"#),
        (r#"sum(["1", 2])"#, r#"3"#),
        (
            r#"sum([])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: cannot sum an empty list."#,
        ),
        (
            r#"sum({a=1})"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: argument must be list, set, or tuple. Received object."#,
        ),
        (
            r#"sum(["a"])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: argument must be list, set, or tuple of number values."#,
        ),
        (
            r#"sum([null])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: argument must be list, set, or tuple of number values."#,
        ),
        (
            r#"sum(1)"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: cannot sum noniterable."#,
        ),
        (r#"sum(toset([1, 2]))"#, r#"3"#),
        (
            r#"transpose({a=["1", "2"], b=["2", "3"]})"#,
            r#"tomap({ "1" = tolist([ "a", ]) "2" = tolist([ "a", "b", ]) "3" = tolist([ "b", ]) })"#,
        ),
        (r#"transpose({})"#, r#"tomap({})"#),
        (
            r#"transpose({a=[1]})"#,
            r#"tomap({ "1" = tolist([ "a", ]) })"#,
        ),
        (
            r#"transpose({a="x"})"#,
            r#"Error: Invalid function argument Invalid value for "values" parameter: element "a": list of string required."#,
        ),
        (r#"values({a=3, c=2, d=1})"#, r#"[ 3, 2, 1, ]"#),
        (
            r#"values(tomap({b="x", a="y"}))"#,
            r#"tolist([ "y", "x", ])"#,
        ),
        (r#"values({})"#, r#"[]"#),
        (
            r#"values(1)"#,
            r#"Error: Error in function call Call to function "values" failed: values() requires a map as the first argument."#,
        ),
        (r#"zipmap(["a", "b"], [1, 2])"#, r#"{ "a" = 1 "b" = 2 }"#),
        (
            r#"zipmap(["a", "b"], ["x", 2])"#,
            r#"{ "a" = "x" "b" = 2 }"#,
        ),
        (
            r#"zipmap(["a", "b"], tolist([1, 2]))"#,
            r#"tomap({ "a" = 1 "b" = 2 })"#,
        ),
        (
            r#"zipmap(["a", "b"], [1])"#,
            r#"Error: Error in function call Call to function "zipmap" failed: number of keys (2) does not match number of values (1)."#,
        ),
        (r#"zipmap(["a", "a"], [1, 2])"#, r#"{ "a" = 2 }"#),
        (r#"zipmap([], [])"#, r#"{}"#),
        (
            r#"zipmap(["a"], "b")"#,
            r#"Error: Error in function call Call to function "zipmap" failed: values argument must be a list or tuple value."#,
        ),
        (
            r#"nosuchfunction(1)"#,
            r#"Error: Call to unknown function There is no function named "nosuchfunction"."#,
        ),
        (r#"core::length([1])"#, r#"1"#),
    ]);
}

/// Argument conversion through `infra_value::convert` (cty's rules and messages).
#[test]
fn argument_conversion_matches_terraform_console() {
    funcs_a_support::check_all(&[
        (
            r#"alltrue(["yes"])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: a bool is required."#,
        ),
        (
            r#"alltrue(["True"])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: a bool is required; to convert from string, use lowercase "true"."#,
        ),
        (r#"alltrue(tolist(["1", "0"]))"#, r#"false"#),
        (
            r#"compact([[]])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: element 0: string required."#,
        ),
        (
            r#"compact({a="b"})"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: list of string required."#,
        ),
        (
            r#"compact(tomap({a="b"}))"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: list of string required."#,
        ),
        (r#"compact(toset(["a", ""]))"#, r#"tolist([ "a", ])"#),
        (
            r#"transpose({a=[[1]]})"#,
            r#"Error: Invalid function argument Invalid value for "values" parameter: element "a": element 0: string required."#,
        ),
        (
            r#"transpose(tomap({a=tolist([1])}))"#,
            r#"tomap({ "1" = tolist([ "a", ]) })"#,
        ),
        (
            r#"transpose({a=["x"], b=3})"#,
            r#"Error: Invalid function argument Invalid value for "values" parameter: element "b": list of string required."#,
        ),
        (
            r#"sum(["x", 1])"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: argument must be list, set, or tuple of number values."#,
        ),
        (r#"distinct(toset(["b","a"]))"#, r#"tolist([ "a", "b", ])"#),
        (
            r#"distinct([{a=1}, {b=2}])"#,
            r#"tolist([ tomap({ "a" = 1 }), tomap({ "b" = 2 }), ])"#,
        ),
        (r#"matchkeys([1], [{a=1}], [{a="1"}])"#, r#"tolist([ 1, ])"#),
        (
            r#"chunklist({a=1}, 1)"#,
            r#"Error: Invalid function argument Invalid value for "list" parameter: list of any single type required."#,
        ),
        (r#"zipmap([1, true], [1, 2])"#, r#"{ "1" = 1 "true" = 2 }"#),
        (
            r#"zipmap({a="b"}, [1])"#,
            r#"Error: Invalid function argument Invalid value for "keys" parameter: list of string required."#,
        ),
        (
            r#"setunion([{a=1}], [{a="x"}])"#,
            r#"toset([ { "a" = "1" }, { "a" = "x" }, ])"#,
        ),
        (
            r#"setunion([[1]], [["a"]])"#,
            r#"toset([ [ "1", ], [ "a", ], ])"#,
        ),
        (
            r#"setunion(["a"], {a=1})"#,
            r#"Error: Invalid function argument Invalid value for "other_sets" parameter: set of any single type required."#,
        ),
        (
            r#"tolist([[1], {}])"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (
            r#"tomap({a=[1], b={}})"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        (
            r#"tomap({a=tolist([1]), b=toset([2])})"#,
            r#"tomap({ "a" = tolist([ 1, ]) "b" = tolist([ 2, ]) })"#,
        ),
        (r#"concat([1], tolist(["a"]))"#, r#"[ 1, "a", ]"#),
        (r#"concat(tolist([1]), tolist([[1]]))"#, r#"[ 1, [ 1, ], ]"#),
    ]);
}

#[test]
#[should_panic(expected = "1 of 1 cases failed")]
fn the_checker_reports_mismatches() {
    funcs_a_support::check_all(&[("merge({a=1}, {b=2})", r#"{ "a" = 1 }"#)]);
}
