//! Unknown values ("known after apply") through the funcs-a functions. `terraform console`
//! cannot produce unknowns, so the expectations follow Terraform 1.11's function definitions:
//! a parameter without AllowUnknown turns an unknown argument into an unknown result of the
//! return type, while functions that accept unknowns answer what they can (`length` of a list
//! with unknown elements is known).

mod funcs_a_support;

use funcs_a_support::{ctx, eval};
use infra_value::{Type, Value};

#[test]
fn unknowns_match_terraform_semantics() {
    funcs_a_support::check_all(&[
        // length: known for known collections even with unknown elements.
        (r#"length([unknown("string"), "a"])"#, "2"),
        (r#"length(unknown("string"))"#, "(known after apply)"),
        (r#"length(ulist("string"))"#, "(known after apply)"),
        (r#"length(unknown("any"))"#, "(known after apply)"),
        (
            r#"length(toset([unknown("string"), "a"]))"#,
            "(known after apply)",
        ),
        (r#"length(toset([unknown("string")]))"#, "1"),
        (r#"length({a = unknown("string")})"#, "1"),
        // Parameters without AllowUnknown short-circuit.
        (r#"abs(unknown("number"))"#, "(known after apply)"),
        (r#"merge({a=1}, unknown("any"))"#, "(known after apply)"),
        (r#"concat(["a"], ulist("string"))"#, "(known after apply)"),
        // Known containers with unknown elements are passed to the implementation.
        (
            r#"concat(["a"], [unknown("string")])"#,
            r#"[ "a", (known after apply), ]"#,
        ),
        (r#"element([unknown("string"), "b"], 1)"#, r#""b""#),
        (r#"contains(["a", unknown("string")], "a")"#, "true"),
        (
            r#"contains(["b", unknown("string")], "a")"#,
            "(known after apply)",
        ),
        (
            r#"index([unknown("string"), "a"], "a")"#,
            "(known after apply)",
        ),
        (r#"index(["a", unknown("string")], "a")"#, "0"),
        (r#"alltrue([true, unknown("bool")])"#, "(known after apply)"),
        (r#"alltrue([false, unknown("bool")])"#, "false"),
        (r#"anytrue([unknown("bool"), true])"#, "true"),
        (
            r#"anytrue([unknown("bool"), false])"#,
            "(known after apply)",
        ),
        (
            r#"compact(["a", unknown("string")])"#,
            "(known after apply)",
        ),
        (
            r#"distinct(["a", unknown("string")])"#,
            "(known after apply)",
        ),
        // cty refines the unknown result to the input's length; Terraform's plan shows a list
        // of that many unknowns (recorded with terraform 1.11.4: `terraform show -json`).
        (
            r#"sort(["b", unknown("string")])"#,
            "tolist([ (known after apply), (known after apply), ])",
        ),
        (r#"sort(ulist("string"))"#, "(known after apply)"),
        (r#"sum([1, unknown("number")])"#, "(known after apply)"),
        (r#"keys({a = unknown("string")})"#, r#"[ "a", ]"#),
        (r#"keys(unknown("any"))"#, "(known after apply)"),
        (
            r#"lookup({a = 1}, unknown("string"))"#,
            "(known after apply)",
        ),
        (r#"lookup({a = unknown("string"), b = 2}, "b")"#, "2"),
        (
            r#"flatten([["a"], ulist("string")])"#,
            "(known after apply)",
        ),
        (
            r#"flatten([["a"], [unknown("string")]])"#,
            r#"[ "a", (known after apply), ]"#,
        ),
        (r#"coalesce(unknown("string"), "a")"#, "(known after apply)"),
        (r#"coalesce("a", unknown("string"))"#, r#""a""#),
        // cty types the result `any` but still returns the first non-empty known argument.
        (r#"coalescelist(["a"], ulist("string"))"#, r#"[ "a", ]"#),
        (
            r#"coalescelist([], ulist("string"))"#,
            "(known after apply)",
        ),
        (r#"tostring(unknown("number"))"#, "(known after apply)"),
        (
            r#"tolist([unknown("string"), 1])"#,
            r#"tolist([ (known after apply), "1", ])"#,
        ),
        (
            r#"setunion(["a"], [unknown("string")])"#,
            "toset([ \"a\", (known after apply), ])",
        ),
        (
            r#"setintersection(["a"], [unknown("string")])"#,
            "(known after apply)",
        ),
        (
            r#"setproduct(["a"], ulist("string"))"#,
            "(known after apply)",
        ),
        (
            r#"slice(["a", "b"], 0, unknown("number"))"#,
            "(known after apply)",
        ),
        (r#"zipmap([unknown("string")], [1])"#, "(known after apply)"),
        (r#"issensitive(unknown("string"))"#, "(known after apply)"),
        (r#"issensitive(sensitive(unknown("string")))"#, "true"),
        (r#"one([unknown("string")])"#, "(known after apply)"),
        (
            r#"transpose({a = [unknown("string")]})"#,
            "(known after apply)",
        ),
        (r#"range(unknown("number"))"#, "(known after apply)"),
    ]);
}

#[test]
fn unknown_results_carry_the_return_type() {
    let v = eval(r#"abs(unknown("number"))"#).unwrap();
    assert_eq!(v, Value::unknown(Type::Number));
    let v = eval(r#"concat(tolist(["a"]), ulist("string"))"#).unwrap();
    assert_eq!(v, Value::unknown(Type::list(Type::String)));
    let v = eval(r#"keys(ulist("string"))"#);
    assert!(
        v.is_err(),
        "keys of a list is a type error even when unknown"
    );
    let v = eval(r#"tolist(unknown("any"))"#).unwrap();
    assert!(!v.is_known());
    let v = eval(r#"sensitive(unknown("string"))"#).unwrap();
    assert!(v.is_sensitive() && !v.is_known());
    // An unknown of unknown type for a parameter without AllowDynamicType: unknown of `any`.
    let v = eval(r#"abs(unknown("any"))"#).unwrap();
    assert_eq!(
        v,
        Value::unknown(Type::Number),
        "abs allows dynamic types: converted to number first"
    );
    let v = eval(r#"keys(unknown("any"))"#).unwrap();
    assert_eq!(v, Value::dynamic_unknown());
}

#[test]
fn marks_on_unknown_arguments_reach_the_unknown_result() {
    let v = eval(r#"abs(sensitive(unknown("number")))"#).unwrap();
    assert!(v.is_sensitive() && !v.is_known());
    let v = eval(r#"merge({a = 1}, sensitive(unknown("any")))"#).unwrap();
    assert!(v.is_sensitive() && !v.is_known());
    let v = eval(r#"concat(["a"], sensitive(ulist("string")))"#).unwrap();
    assert!(v.is_sensitive() && !v.is_known());
}

#[test]
fn registry_lists_and_finds_functions() {
    let names = infra_functions::names();
    for name in [
        "alltrue",
        "coalesce",
        "length",
        "lookup",
        "merge",
        "parseint",
        "tolist",
        "nonsensitive",
        "zipmap",
    ] {
        assert!(names.contains(&name), "{name} missing");
        assert!(infra_functions::exists(name));
    }
    assert!(infra_functions::exists("core::merge"));
    assert!(
        !infra_functions::exists("type"),
        "type() is console-only in Terraform"
    );
    assert!(!infra_functions::exists("nosuch"));
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let err = infra_functions::call("nosuch", vec![], &ctx()).unwrap_err();
    assert_eq!(err, infra_functions::FuncError::UnknownFunction);
}

#[test]
fn argument_errors_name_the_argument_index() {
    let err = infra_functions::call(
        "setunion",
        vec![Value::tuple(vec![]), Value::string("x")],
        &ctx(),
    )
    .unwrap_err();
    match err {
        infra_functions::FuncError::Arg {
            index,
            param,
            message,
        } => {
            assert_eq!((index, param.as_str()), (1, "other_sets"));
            assert_eq!(message, "set of any single type required");
        }
        other => panic!("unexpected {other:?}"),
    }
}
