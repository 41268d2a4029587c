//! `terraform console` parity for the conversion and mark functions: every expected result below is
//! the output of Terraform 1.11.4 for the same expression (whitespace collapsed).

mod funcs_a_support;

#[test]
fn conversion_functions_match_terraform_console() {
    funcs_a_support::check_all(&[
        (r#"tobool(true)"#, r#"true"#),
        (r#"tobool("true")"#, r#"true"#),
        (r#"tobool("false")"#, r#"false"#),
        (r#"tobool("1")"#, r#"true"#),
        (
            r#"tobool("True")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert "True" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool("yes")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."#,
        ),
        (
            r#"tobool(1)"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert number to bool."#,
        ),
        (r#"tobool(null)"#, r#"tobool(null)"#),
        (r#"tonumber(1)"#, r#"1"#),
        (r#"tonumber("1")"#, r#"1"#),
        (r#"tonumber("1.5e3")"#, r#"1500"#),
        (
            r#"tonumber("no")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert "no" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber(" 1")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert " 1" to number; given string must be a decimal representation of a number."#,
        ),
        (
            r#"tonumber(true)"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert bool to number."#,
        ),
        (r#"tonumber(null)"#, r#"tonumber(null)"#),
        (r#"tonumber("+Inf")"#, r#"+Inf"#),
        (r#"tonumber(".5")"#, r#"0.5"#),
        (r#"tostring("hello")"#, r#""hello""#),
        (r#"tostring(1)"#, r#""1""#),
        (r#"tostring(true)"#, r#""true""#),
        (r#"tostring(null)"#, r#"tostring(null)"#),
        (
            r#"tostring([])"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (r#"tostring(1.5)"#, r#""1.5""#),
        (
            r#"tostring(1/3)"#,
            r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#,
        ),
        (
            r#"tolist(["a", "b", "c"])"#,
            r#"tolist([ "a", "b", "c", ])"#,
        ),
        (
            r#"tolist(["a", 1, true])"#,
            r#"tolist([ "a", "1", "true", ])"#,
        ),
        (
            r#"tolist(["a", {}])"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (
            r#"tolist([1, [2]])"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to list of any single type."#,
        ),
        (r#"tolist([])"#, r#"tolist([])"#),
        (r#"tolist(toset(["b", "a"]))"#, r#"tolist([ "a", "b", ])"#),
        (
            r#"tolist({a=1})"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert object to list of any single type."#,
        ),
        (
            r#"tolist("a")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert string to list of any single type."#,
        ),
        (
            r#"tolist([{a=1}, {b="x"}])"#,
            r#"tolist([ tomap({ "a" = "1" }), tomap({ "b" = "x" }), ])"#,
        ),
        (
            r#"tolist([{a=1}, {a="x"}])"#,
            r#"tolist([ { "a" = "1" }, { "a" = "x" }, ])"#,
        ),
        (
            r#"tolist([[1], ["a"]])"#,
            r#"tolist([ [ "1", ], [ "a", ], ])"#,
        ),
        (
            r#"tolist([[1], [1, 2]])"#,
            r#"tolist([ tolist([ 1, ]), tolist([ 1, 2, ]), ])"#,
        ),
        (r#"tolist(null)"#, r#"tolist(null) /* of dynamic */"#),
        (r#"toset(["c", "b", "b"])"#, r#"toset([ "b", "c", ])"#),
        (r#"toset(["a", 2, 3])"#, r#"toset([ "2", "3", "a", ])"#),
        (r#"toset([])"#, r#"toset([])"#),
        (
            r#"toset([[1], ["a"]])"#,
            r#"toset([ [ "1", ], [ "a", ], ])"#,
        ),
        (
            r#"toset("a")"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert string to set of any single type."#,
        ),
        (r#"tomap({a=1, b=2})"#, r#"tomap({ "a" = 1 "b" = 2 })"#),
        (
            r#"tomap({a="foo", b=true})"#,
            r#"tomap({ "a" = "foo" "b" = "true" })"#,
        ),
        (
            r#"tomap({a=1, b=[]})"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert object to map of any single type."#,
        ),
        (r#"tomap({})"#, r#"tomap({})"#),
        (
            r#"tomap(["a"])"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to map of any single type."#,
        ),
        (
            r#"tomap({a={x=1}, b={y="a"}})"#,
            r#"tomap({ "a" = tomap({ "x" = "1" }) "b" = tomap({ "y" = "a" }) })"#,
        ),
        (
            r#"tomap({a=[1], b=["x"]})"#,
            r#"tomap({ "a" = [ "1", ] "b" = [ "x", ] })"#,
        ),
        (r#"tomap(null)"#, r#"tomap(null) /* of dynamic */"#),
        (r#"sensitive(1)"#, r#"(sensitive value)"#),
        (r#"sensitive("a")"#, r#"(sensitive value)"#),
        (r#"sensitive(null)"#, r#"(sensitive value)"#),
        (r#"nonsensitive(sensitive(1))"#, r#"1"#),
        (r#"nonsensitive(1)"#, r#"1"#),
        (r#"nonsensitive(sensitive({a=1}))"#, r#"{ "a" = 1 }"#),
        (r#"issensitive(1)"#, r#"false"#),
        (r#"issensitive(sensitive(1))"#, r#"true"#),
        (r#"issensitive({a=sensitive(1)})"#, r#"false"#),
        (r#"issensitive(sensitive(null))"#, r#"true"#),
        (r#"issensitive(nonsensitive(sensitive(1)))"#, r#"false"#),
        (r#"tostring(sensitive(1))"#, r#"(sensitive value)"#),
        (
            r#"tostring(sensitive([]))"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert tuple to string."#,
        ),
        (
            r#"tonumber(sensitive("x"))"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert this sensitive string to number."#,
        ),
        (
            r#"tobool(sensitive("x"))"#,
            r#"Error: Invalid function argument Invalid value for "v" parameter: cannot convert this sensitive string to bool."#,
        ),
        (r#"length(sensitive("abc"))"#, r#"(sensitive value)"#),
        (r#"length(sensitive([1, 2]))"#, r#"(sensitive value)"#),
        (r#"length([sensitive(1)])"#, r#"1"#),
        (r#"keys(sensitive({a=1}))"#, r#"(sensitive value)"#),
        (r#"keys({a=sensitive(1)})"#, r#"[ "a", ]"#),
        (
            r#"values({a=sensitive(1), b=2})"#,
            r#"[ (sensitive value), 2, ]"#,
        ),
        (r#"merge({a=1}, sensitive({b=2}))"#, r#"(sensitive value)"#),
        (
            r#"merge({a=sensitive(1)}, {b=2})"#,
            r#"{ "a" = (sensitive value) "b" = 2 }"#,
        ),
        (r#"lookup({a=sensitive(1), b=2}, "b")"#, r#"2"#),
        (r#"lookup(sensitive({a=1}), "a")"#, r#"(sensitive value)"#),
        (
            r#"lookup(tomap({a=1}), sensitive("b"))"#,
            r#"Error: Error in function call Call to function "lookup" failed: lookup failed to find key (sensitive value)."#,
        ),
        (r#"concat(["a"], sensitive(["b"]))"#, r#"(sensitive value)"#),
        (
            r#"concat([sensitive("a")], ["b"])"#,
            r#"[ (sensitive value), "b", ]"#,
        ),
        (
            r#"element(sensitive(["a", "b"]), 0)"#,
            r#"(sensitive value)"#,
        ),
        (r#"element([sensitive("a"), "b"], 1)"#, r#""b""#),
        (
            r#"element([sensitive("a"), "b"], 0)"#,
            r#"(sensitive value)"#,
        ),
        (
            r#"flatten([sensitive(["a"]), ["b"]])"#,
            r#"(sensitive value)"#,
        ),
        (
            r#"flatten([[sensitive("a")], ["b"]])"#,
            r#"[ (sensitive value), "b", ]"#,
        ),
        (r#"reverse(sensitive([1, 2]))"#, r#"(sensitive value)"#),
        (
            r#"slice(sensitive([1, 2, 3]), 0, 1)"#,
            r#"(sensitive value)"#,
        ),
        (r#"compact(["a", sensitive("b")])"#, r#"(sensitive value)"#),
        (r#"compact([sensitive("")])"#, r#"(sensitive value)"#),
        (r#"sort(["b", sensitive("a")])"#, r#"(sensitive value)"#),
        (r#"contains([sensitive("a")], "a")"#, r#"(sensitive value)"#),
        (r#"distinct([sensitive("a"), "a"])"#, r#"(sensitive value)"#),
        (r#"zipmap(["a"], sensitive([1]))"#, r#"(sensitive value)"#),
        (r#"zipmap([sensitive("a")], [1])"#, r#"(sensitive value)"#),
        (
            r#"chunklist(sensitive([1, 2, 3]), 2)"#,
            r#"(sensitive value)"#,
        ),
        (
            r#"tolist([sensitive("a"), "b"])"#,
            r#"tolist([ (sensitive value), "b", ])"#,
        ),
        (r#"toset([sensitive("a"), "b"])"#, r#"(sensitive value)"#),
        (
            r#"tomap({a=sensitive(1)})"#,
            r#"tomap({ "a" = (sensitive value) })"#,
        ),
        (
            r#"setunion([sensitive("a")], ["b"])"#,
            r#"(sensitive value)"#,
        ),
        (
            r#"setproduct(sensitive(["a"]), ["b"])"#,
            r#"(sensitive value)"#,
        ),
        (r#"sum([sensitive(1), 2])"#, r#"(sensitive value)"#),
        (r#"abs(sensitive(-1))"#, r#"(sensitive value)"#),
        (r#"max(sensitive(1), 2)"#, r#"(sensitive value)"#),
        (r#"one(sensitive(["a"]))"#, r#"(sensitive value)"#),
        (r#"one([sensitive("a")])"#, r#"(sensitive value)"#),
        (r#"coalesce(sensitive(""), "b")"#, r#"(sensitive value)"#),
        (
            r#"coalescelist(sensitive([]), ["b"])"#,
            r#"(sensitive value)"#,
        ),
        (r#"alltrue([sensitive(true)])"#, r#"(sensitive value)"#),
        (r#"index([sensitive("a")], "a")"#, r#"(sensitive value)"#),
        (r#"transpose({a=[sensitive("x")]})"#, r#"(sensitive value)"#),
        (
            r#"matchkeys(["a"], [sensitive(1)], [1])"#,
            r#"(sensitive value)"#,
        ),
        (r#"keys(sensitive(tomap({a=1})))"#, r#"(sensitive value)"#),
        (r#"range(sensitive(2))"#, r#"(sensitive value)"#),
    ]);
}
