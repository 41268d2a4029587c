//! Table-driven checks of `yamlencode` and `yamldecode` against Terraform 1.11.4.
//!
//! Every expected text below was produced by `terraform console` (Terraform 1.11.4, in an empty
//! directory): `jsonencode(yamlencode(jsondecode(INPUT)))` for the encoder and
//! `jsonencode(yamldecode(INPUT))` for the decoder, with the error message of failing calls.
//! The inputs go through this crate's `jsondecode`/`jsonencode` the same way, so a case fails
//! if either YAML function differs from Terraform's by a single byte.

use std::collections::BTreeMap;
use std::path::PathBuf;

use infra_functions::{call, FuncContext, FuncError};
use infra_value::{Number, Type, Value};

fn ctx() -> FuncContext {
    FuncContext {
        base_dir: PathBuf::from("/"),
        plan_timestamp: "2024-01-02T03:04:05Z".into(),
        planning: false,
    }
}

fn call1(name: &str, arg: Value) -> Result<Value, FuncError> {
    call(name, vec![arg], &ctx())
}

fn yamlencode(v: Value) -> String {
    let out = call1("yamlencode", v.clone())
        .unwrap_or_else(|e| panic!("yamlencode({v:?}) failed: {e:?}"));
    out.as_str()
        .unwrap_or_else(|| panic!("yamlencode({v:?}) gave {out:?}"))
        .to_string()
}

/// `(JSON input, yamlencode output)`.
const ENCODE_CASES: &[(&str, &str)] = &[
        ("1", "1\n...\n"),
        ("null", "null\n...\n"),
        ("\"x\"", "\"x\"\n"),
        ("\"multi\\nline\"", "|-\n  multi\n  line\n"),
        ("\"multi\\nline\\n\"", "|\n  multi\n  line\n"),
        ("\"multi\\nline\\n\\n\"", "|+\n  multi\n  line\n\n"),
        ("\"\\n\"", "|2+\n\n"),
        ("\"\\n\\n\"", "|2+\n\n\n"),
        ("\"\"", "\"\"\n"),
        ("true", "true\n...\n"),
        ("false", "false\n...\n"),
        ("[]", "[]\n"),
        ("{}", "{}\n"),
        ("1.5", "1.5\n...\n"),
        ("-1e-06", "-0.000001\n...\n"),
        ("1e+30", "1000000000000000000000000000000\n...\n"),
        ("123456789012345678901234567890", "123456789012345678901234567890\n...\n"),
        ("{\"a\": \"x\\n\"}", "\"a\": |\n  x\n"),
        ("{\"a\": \"x\\n\\n\"}", "\"a\": |+\n  x\n\n"),
        ("{\"a\\nb\": 1}", "? |-\n  a\n  b\n: 1\n"),
        ("{\"b\": 1, \"a\": 2, \"A\": 3, \"_\": 4, \"10\": 5, \"9\": 6}", "\"10\": 5\n\"9\": 6\n\"A\": 3\n\"_\": 4\n\"a\": 2\n\"b\": 1\n"),
        ("\"tab\\there\"", "\"tab\\there\"\n"),
        ("\"emoji 😀 é ü 中文\"", "\"emoji \\U0001F600 é ü 中文\"\n"),
        ("\" leading\\nx\"", "|2-\n   leading\n  x\n"),
        ("\"trailing \\nx\"", "\"trailing \\nx\"\n"),
        ("\"\u{feff}bom\"", "\"\\uFEFF\\x62\\x6F\\x6D\"\n"),
        ("\"a\u{85}b\"", "\"a\\Nb\"\n"),
        ("\"a\u{2028}b\"", "\"a\\Lb\"\n"),
        ("\"x\\r\\ny\"", "\"x\\r\\ny\"\n"),
        ("\"x\\ry\"", "\"x\\ry\"\n"),
        ("[[[1]], {\"a\": [{}]}]", "- - - 1\n- \"a\":\n  - {}\n"),
        ("[{\"a\": {\"b\": 1}}]", "- \"a\":\n    \"b\": 1\n"),
        ("{\"a\": [[1, 2]]}", "\"a\":\n- - 1\n  - 2\n"),
        ("[\"a\\nb\", \"c\"]", "- |-\n  a\n  b\n- \"c\"\n"),
        ("{\"x\": \"a   b\"}", "\"x\": \"a   b\"\n"),
        ("\"\\u0000\\u0007\\u001b \u{80}\u{9f}￾￿\"", "\"\\0\\a\\e \\x80\\x9F\\uFFFE\\uFFFF\"\n"),
        ("\"\\\\ \\\" '\"", "\"\\\\ \\\" '\"\n"),
        ("{\"\": 1}", "\"\": 1\n"),
        ("\"yes\"", "\"yes\"\n"),
        ("\"no\"", "\"no\"\n"),
        ("\"null\"", "\"null\"\n"),
        ("\"~\"", "\"~\"\n"),
        ("\"1.0\"", "\"1.0\"\n"),
        ("\"0x10\"", "\"0x10\"\n"),
        ("\" leading space\"", "\" leading space\"\n"),
        ("\"trailing space \"", "\"trailing space \"\n"),
        ("\"a: b\"", "\"a: b\"\n"),
        ("\"#x\"", "\"#x\"\n"),
        ("\"- x\"", "\"- x\"\n"),
        ("\"---\"", "\"---\"\n"),
        ("\"...\"", "\"...\"\n"),
        ("\"@x\"", "\"@x\"\n"),
        ("\"%x\"", "\"%x\"\n"),
        ("\"!x\"", "\"!x\"\n"),
        ("\"&x\"", "\"&x\"\n"),
        ("\"*x\"", "\"*x\"\n"),
        ("\"'q'\"", "\"'q'\"\n"),
        ("\"a #b\"", "\"a #b\"\n"),
        ("\"a#b\"", "\"a#b\"\n"),
        ("{\"k\": [1, [2, [3, {\"x\": [], \"y\": {}}]], {\"z\": null}]}", "\"k\":\n- 1\n- - 2\n  - - 3\n    - \"x\": []\n      \"y\": {}\n- \"z\": null\n"),
        ("[[], {}, [[]], [{}]]", "- []\n- {}\n- - []\n- - {}\n"),
        ("{\"a\": {\"b\": {\"c\": {\"d\": \"deep\\nstring\\n\"}}}}", "\"a\":\n  \"b\":\n    \"c\":\n      \"d\": |\n        deep\n        string\n"),
        ("[\" x\\ny\", \"\\nlead\", \"\\n\\ntwo\", \"a\\n\\n\\nb\", \"trail\\n\\n\\n\", \"tab\\tin\\nliteral\", \"sp \\nx\", \"x\\n \"]", "- |2-\n   x\n  y\n- |2-\n\n  lead\n- |2-\n\n\n  two\n- |-\n  a\n\n\n  b\n- |+\n  trail\n\n\n- \"tab\\tin\\nliteral\"\n- \"sp \\nx\"\n- \"x\\n \"\n"),
        ("{\"key with spaces\": 1, \"key: colon\": 2, \"key#hash\": 3, \"ключ\": 4, \"tab\\tkey\": 5, \"trail \": 6, \"k\\nmulti\\n\": 7}", "? |\n  k\n  multi\n: 7\n\"key with spaces\": 1\n\"key#hash\": 3\n\"key: colon\": 2\n\"tab\\tkey\": 5\n\"trail \": 6\n\"ключ\": 4\n"),
        ("\"\\\"quoted\\\"\"", "\"\\\"quoted\\\"\"\n"),
        ("\"back\\\\slash\\nmulti\"", "|-\n  back\\slash\n  multi\n"),
        ("\"very long single line with words that should fold once it goes past eighty columns of output and more and more\"", "\"very long single line with words that should fold once it goes past eighty columns\n  of output and more and more\"\n"),
        ("{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": \"very long single line with words that should fold once it goes past eighty columns of output\"}", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": \"very long single line with words\n  that should fold once it goes past eighty columns of output\"\n"),
        ("[\"long line that is placed in a sequence item so the indentation of continuation lines is four spaces deep ok\"]", "- \"long line that is placed in a sequence item so the indentation of continuation\n  lines is four spaces deep ok\"\n"),
        ("\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz no fold before\"", "\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\n  no fold before\"\n"),
        ("\"word  word  word  word  word  word  word  word  word  word  word  word  word  word  word  word  word  word\"", "\"word  word  word  word  word  word  word  word  word  word  word  word  word  word\n  \\ word  word  word  word\"\n"),
        ("\"ends with space after eighty columns ..................................................... \"", "\"ends with space after eighty columns ..................................................... \"\n"),
        ("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \\tb c\"", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n  \\tb c\"\n"),
        ("\"é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é\"", "\"é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é é\n  é é é é é é é\"\n"),
        ("\"😀😀😀😀😀😀😀😀😀😀😀😀😀 x y z\"", "\"\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\\U0001F600\n  x y z\"\n"),
        ("\"long line with a newline that is long enough to fold but is in a literal block so it is not folded at all\\nsecond\"", "|-\n  long line with a newline that is long enough to fold but is in a literal block so it is not folded at all\n  second\n"),
];

#[test]
fn yamlencode_matches_terraform() {
    let mut failures = Vec::new();
    for (input, want) in ENCODE_CASES {
        let value = call1("jsondecode", Value::string(input))
            .unwrap_or_else(|e| panic!("jsondecode({input}): {e:?}"));
        let got = yamlencode(value);
        if got != *want {
            failures.push(format!(
                "yamlencode({input}):\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        ENCODE_CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn yamlencode_typed_collections() {
    let s = |v: &str| Value::string(v);
    let n = |v: i64| Value::from_i64(v);
    let list = Value::list(Type::String, vec![s("b"), s("a")]);
    let set = Value::set(Type::String, vec![s("b"), s("a")]);
    let map = Value::map(
        Type::Number,
        BTreeMap::from([("b".to_string(), n(1)), ("a".to_string(), n(2))]),
    );
    assert_eq!(yamlencode(list), "- \"b\"\n- \"a\"\n");
    assert_eq!(yamlencode(set), "- \"a\"\n- \"b\"\n");
    assert_eq!(yamlencode(map), "\"a\": 2\n\"b\": 1\n");
    assert_eq!(yamlencode(Value::empty_list(Type::String)), "[]\n");
    assert_eq!(yamlencode(Value::null(Type::String)), "null\n...\n");
    let typed_null = Value::object(BTreeMap::from([(
        "x".to_string(),
        Value::null(Type::list(Type::String)),
    )]));
    assert_eq!(yamlencode(typed_null), "\"x\": null\n");
    // A 130-byte key is too long for a simple key.
    let long_key = "k".repeat(130);
    let obj = Value::object(BTreeMap::from([(long_key.clone(), n(1))]));
    assert_eq!(yamlencode(obj), format!("? \"{long_key}\"\n: 1\n"));
}

#[test]
fn yamlencode_unknown_is_unknown() {
    let partly = Value::tuple(vec![Value::from_i64(1), Value::unknown(Type::String)]);
    let out = call1("yamlencode", partly).expect("yamlencode");
    assert!(!out.is_known(), "{out:?}");
    assert_eq!(out.ty(), Type::String);
}

/// `(YAML input, Ok(jsonencode of the result) or Err(message))`.
const DECODE_CASES: &[(&str, Result<&str, &str>)] = &[
        ("", Err("on line 1, column 1: missing start of document")),
        ("# c", Err("on line 1, column 1: missing start of document")),
        ("a: 1", Ok("{\"a\":1}")),
        ("a: 1\n---\nb: 2", Err("on line 1, column 1: unexpected extra content after value")),
        ("---\na: 1\n...\n", Ok("{\"a\":1}")),
        ("a: [1, 2", Err("on line 1, column 1: did not find expected ',' or ']'")),
        ("a: b: c", Err("mapping values are not allowed in this context")),
        ("\na: b: c", Err("on line 2, column 1: mapping values are not allowed in this context")),
        ("a: 1\n b: 2", Err("on line 2, column 1: mapping values are not allowed in this context")),
        ("a: 1\nb: 2\n  c: 3", Err("on line 3, column 1: mapping values are not allowed in this context")),
        ("a: !!foo x", Err("unsupported tag \"tag:yaml.org,2002:foo\"")),
        ("\na: !!foo x", Err("on line 1, column 4: unsupported tag \"tag:yaml.org,2002:foo\"")),
        ("\na: !foo x", Err("on line 1, column 4: unsupported tag \"!foo\"")),
        ("\na: ! x", Err("on line 1, column 4: unsupported tag \"!\"")),
        ("a: .nan", Err("floating point NaN is not supported")),
        ("\n\na: .nan", Err("on line 2, column 4: floating point NaN is not supported")),
        ("[yes, no, on, off, y, n, True, FALSE, ~, null, Null, '', 0x1F, 0o17, 017, 1_000, +1, -0, .5, 1., 1e3, 1E+3, .5e2, 0b101]", Ok("[true,false,true,false,true,false,true,false,null,null,null,\"\",31,15,17,\"1_000\",1,-0,0.5,1,1000,1000,50,\"0b101\"]")),
        ("[2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, 2001-1-2T3:4:5Z, 2001-12-14T21:59:43+00:00, 2001-02-30, 2001-12-14 21:59:43.10 -5]", Ok("[\"2001-12-14T00:00:00Z\",\"2001-12-14T21:59:43-05:00\",\"2001-12-14T21:59:43Z\",\"2001-01-02T03:04:05Z\",\"2001-12-14T21:59:43Z\",\"2001-02-30\",\"2001-12-14 21:59:43.10 -5\"]")),
        ("[2000-02-29, 1900-02-29, 2001-13-01, 2001-12-14T24:00:00Z, 2001-12-14T21:59:43+01:30, 2001-12-14T21:59:43,5Z, 2001-12-14T21:59:43.Z, 20011-01-01, 2001-01-01x]", Ok("[\"2000-02-29T00:00:00Z\",\"1900-02-29\",\"2001-13-01\",\"2001-12-14T24:00:00Z\",\"2001-12-14T21:59:43+01:30\",\"2001-12-14T21:59:43\",\"5Z\",\"2001-12-14T21:59:43.Z\",\"20011-01-01\",\"2001-01-01x\"]")),
        ("[!!int '12', !!str 12, !!int 1_000, !!float 1, !!bool yes, !!null x, !!binary aGk=, !!timestamp 2001-01-01]", Ok("[\"12\",\"12\",1000,1,true,null,\"aGk=\",\"2001-01-01T00:00:00Z\"]")),
        ("a: !!binary 'x'", Err("cannot parse \"x\" as tag:yaml.org,2002:binary: not valid base64")),
        ("\na: !!bool x", Err("on line 1, column 4: cannot parse \"x\" as tag:yaml.org,2002:bool")),
        ("a: !!binary aGk", Err("cannot parse \"aGk\" as tag:yaml.org,2002:binary: not valid base64")),
        ("a: !!binary \"aG\\nk=\"", Ok("{\"a\":\"aG\\nk=\"}")),
        ("a: &x {b: 1}\nc: *x\nd: *y", Err("on line 2, column 4: reference to undefined anchor \"y\"")),
        ("a: &x {b: 1}\nc: *x", Ok("{\"a\":{\"b\":1},\"c\":{\"b\":1}}")),
        ("a: &x [1, *x]", Err("cannot refer to anchor \"x\" from inside its own definition")),
        ("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3", Ok("{\"base\":{\"true\":2,\"x\":1},\"d\":{\"true\":3,\"x\":1}}")),
        ("base: &b {x: 1, z: 2}\nd:\n  z: 3\n  <<: *b\n  w: 4", Ok("{\"base\":{\"x\":1,\"z\":2},\"d\":{\"w\":4,\"x\":1,\"z\":2}}")),
        ("d:\n  <<: [1]\n", Err("on line 1, column 3: cannot merge tuple into mapping")),
        ("d:\n  << : 1\n", Err("on line 1, column 3: cannot merge number into mapping")),
        ("d:\n  '<<': {a: 1}\n", Ok("{\"d\":{\"a\":1}}")),
        ("[<<]", Ok("[\"\\u003c\\u003c\"]")),
        ("{<<: ~}", Err("cannot merge dynamic into mapping")),
        ("{[1]: 2}", Err("only strings are allowed as mapping keys")),
        ("\n{[1]: 2}", Err("on line 1, column 2: only strings are allowed as mapping keys")),
        ("{~: 2}", Err("mapping key cannot be null")),
        ("\n{~: 2}", Err("on line 1, column 2: mapping key cannot be null")),
        ("{1.50: a, true: b, 0x10: c, 2001-01-01: d, yes: e}", Ok("{\"1.5\":\"a\",\"16\":\"c\",\"2001-01-01T00:00:00Z\":\"d\",\"true\":\"e\"}")),
        ("a: 'unterminated", Err("found unexpected end of stream")),
        ("\n\na: \"bad \\q escape\"", Err("on line 3, column 1: found unknown escape character")),
        ("a:\tb", Ok("{\"a\":\"b\"}")),
        ("\ta: b", Err("found character that cannot start any token")),
        ("- a\nb: 1", Err("on line 1, column 1: did not find expected '-' indicator")),
        ("%YAML 1.2\n---\na: 1", Err("found incompatible YAML document")),
        ("\n%YAML 1.1\n---\na: 1", Ok("{\"a\":1}")),
        ("!!map [1]", Err("can't interpret sequence as tag:yaml.org,2002:map")),
        ("!!seq {a: 1}", Err("can't interpret mapping as tag:yaml.org,2002:seq")),
        ("!!map {a: 1}", Ok("{\"a\":1}")),
        ("!!seq [1]", Ok("[1]")),
        ("1.0", Ok("1")),
        ("{a: 1, a: 2}", Ok("{\"a\":2}")),
        ("*x", Err("reference to undefined anchor \"x\"")),
        ("a: |\n  x\n  y\nb: >\n  f\n  g\n", Ok("{\"a\":\"x\\ny\\n\",\"b\":\"f g\\n\"}")),
        ("a: |-\n  x\n\nb: |+\n  y\n\n", Ok("{\"a\":\"x\",\"b\":\"y\\n\\n\"}")),
        ("? a\n: 1", Ok("{\"a\":1}")),
        ("a: 1\n...\n---\nb: 1", Err("on line 2, column 1: unexpected extra content after value")),
        ("@a", Err("found character that cannot start any token")),
        ("a: [1, 2]]", Err("did not find expected key")),
        ("a: {b: 1", Err("on line 1, column 1: did not find expected ',' or '}'")),
        ("\n\n   - 1\n - 2", Err("on line 3, column 2: did not find expected <document start>")),
        ("a: 123456789012345678901234567890", Ok("{\"a\":123456789012345678901234567890}")),
        ("a: 0xFFFFFFFFFFFFFFFF", Ok("{\"a\":18446744073709551615}")),
        ("a: 0x1FFFFFFFFFFFFFFFF", Err("cannot parse \"0x1FFFFFFFFFFFFFFFF\" as tag:yaml.org,2002:int")),
        ("a: !!int 0x1FFFFFFFFFFFFFFFF", Err("cannot parse \"0x1FFFFFFFFFFFFFFFF\" as tag:yaml.org,2002:int")),
        ("a: !!int x", Err("cannot parse \"x\" as tag:yaml.org,2002:int")),
        ("\n\na: !!int x", Err("on line 2, column 4: cannot parse \"x\" as tag:yaml.org,2002:int")),
        ("[!!int -0x10, !!int +0x10, !!int 0b101, !!int 0o17, !!float 1p3, !!int 1e3, !!int 0x, !!float inf, !!int '']", Err("cannot parse \"0x\" as tag:yaml.org,2002:int")),
        ("[1p3, .5p1, ., .e5, -, +, 1_0, 0x_1, 1e, -1.5e-3, 00, 0777, 0o8, 0xG]", Ok("[\"1p3\",1,\".\",\".e5\",\"-\",\"+\",\"1_0\",\"0x_1\",\"1e\",-0.0015,0,777,\"0o8\",\"0xG\"]")),
        ("a: 'single ''quoted'''\nb: \"double \\\"q\\\" \\u00e9 \\x41 \\t\"\nc: plain text here\nd: multi\n  line plain", Ok("{\"a\":\"single 'quoted'\",\"b\":\"double \\\"q\\\" é A \\t\",\"c\":\"plain text here\",\"d\":\"multi line plain\"}")),
        ("[\"yes\", 'no', \"1\", '~', \"\"]", Ok("[\"yes\",\"no\",\"1\",\"~\",\"\"]")),
        ("key: &a value\nother: *a", Ok("{\"key\":\"value\",\"other\":\"value\"}")),
        ("&a [1, 2]", Ok("[1,2]")),
        ("[&a x, *a, &a y, *a]", Ok("[\"x\",\"x\",true,true]")),
        ("a:\n  - b: 1\n    c: 2\n  - d\n", Ok("{\"a\":[{\"b\":1,\"c\":2},\"d\"]}")),
        ("{a: [1, {b: c}], 'd e': f}", Ok("{\"a\":[1,{\"b\":\"c\"}],\"d e\":\"f\"}")),
        ("- - 1\n  - 2\n- - 3", Ok("[[1,2],[3]]")),
        ("a: !!str\nb: !!null\n", Ok("{\"a\":\"\",\"b\":null}")),
        ("a:\nb: ~\nc: null", Ok("{\"a\":null,\"b\":null,\"c\":null}")),
        ("a: b\n# comment\nc: d # trailing", Ok("{\"a\":\"b\",\"c\":\"d\"}")),
        ("\u{feff}a: 1", Ok("{\"a\":1}")),
        ("a: 1\r\nb: 2\r\n", Ok("{\"a\":1,\"b\":2}")),
        ("'a': 1\n\"b\": 2", Ok("{\"a\":1,\"b\":2}")),
        ("? [1]\n: 2", Err("only strings are allowed as mapping keys")),
        ("? |\n  k\n: v", Ok("{\"k\\n\":\"v\"}")),
        ("- 1\n- a: 1\n  b: 2\n- [x, y]", Ok("[1,{\"a\":1,\"b\":2},[\"x\",true]]")),
        ("x", Ok("\"x\"")),
        ("  x  ", Ok("\"x\"")),
        ("'x'", Ok("\"x\"")),
        ("---", Ok("null")),
        ("--- 1", Ok("1")),
        ("- ", Ok("[null]")),
        ("a: -1\nb: -.5\nc: +.5\nd: 1_000\ne: 1__0", Ok("{\"a\":-1,\"b\":-0.5,\"c\":0.5,\"d\":\"1_000\",\"e\":\"1__0\"}")),
        ("[a,b", Err("on line 1, column 1: did not find expected ',' or ']'")),
        ("{a: 1}}", Err("did not find expected <document start>")),
        ("a: b\n- c", Err("on line 1, column 1: did not find expected key")),
        ("'a\n b'", Ok("\"a b\"")),
        ("\"a\\\n  b\"", Ok("\"ab\"")),
        ("a: \"\\U0001F600\"", Ok("{\"a\":\"😀\"}")),
        ("a: \"\\uD800\"", Err("found invalid Unicode character escape code")),
        ("!<tag:yaml.org,2002:str> 1", Ok("\"1\"")),
        ("%TAG !e! tag:example.com,2000:\n---\n!e!foo x", Err("on line 2, column 1: unsupported tag \"tag:example.com,2000:foo\"")),
        ("a: *", Err("did not find expected alphabetic or numeric character")),
        ("a: &", Err("did not find expected alphabetic or numeric character")),
        ("a: !!", Err("did not find expected tag URI")),
        ("{a: !!str}", Err("did not find expected whitespace or line break")),
        ("a: 'x' y", Err("did not find expected key")),
        ("{a:1}", Ok("{\"a:1\":null}")),
        ("[a:1, b: 2]", Ok("[\"a:1\",{\"b\":2}]")),
        ("{a: [1,2]:3}", Err("did not find expected ',' or '}'")),
        ("[!!str ]", Ok("[\"\"]")),
        ("- !!str\n- a", Ok("[\"\",\"a\"]")),
        ("a: b\n\n\n  c", Ok("{\"a\":\"b\\n\\nc\"}")),
        ("- a\n  - b", Ok("[\"a - b\"]")),
        ("{ ? a : b }", Ok("{\"a\":\"b\"}")),
        ("[a, b]: 1", Err("only strings are allowed as mapping keys")),
        ("a: \"\\x41\\N\\_\\L\\P\\e\\0\"", Ok("{\"a\":\"A\u{85} \\u2028\\u2029\\u001b\\u0000\"}")),
        ("a: 'it''s'\nb: \"tab\\there\"", Ok("{\"a\":\"it's\",\"b\":\"tab\\there\"}")),
        ("a: >-\n  folded\n  text\n\n  para\n", Ok("{\"a\":\"folded text\\npara\"}")),
        ("a: |2\n   indented\n", Ok("{\"a\":\" indented\\n\"}")),
        ("- |\n  x\n- >+\n  y\n\n", Ok("[\"x\\n\",\"y\\n\\n\"]")),
        ("a:\n  b:\n    c: [1, {d: e}]\n", Ok("{\"a\":{\"b\":{\"c\":[1,{\"d\":\"e\"}]}}}")),
        ("a: 1 # c\n# x\nb: [1, # c\n 2]", Ok("{\"a\":1,\"b\":[1,2]}")),
        ("[1, 2, ]", Ok("[1,2]")),
        ("{a: 1, }", Ok("{\"a\":1}")),
        ("a: 'multi\n\n  line'", Ok("{\"a\":\"multi\\nline\"}")),
        ("? a\n? b\n: c", Ok("{\"a\":null,\"b\":\"c\"}")),
        ("a: \"x\ty\"", Ok("{\"a\":\"x\\ty\"}")),
        ("\"a\":1", Err("did not find expected <document start>")),
];

#[test]
fn yamldecode_matches_terraform() {
    let mut failures = Vec::new();
    for (input, want) in DECODE_CASES {
        let got = match call1("yamldecode", Value::string(input)) {
            Ok(v) => match call1("jsonencode", v) {
                Ok(j) => Ok(j.as_str().unwrap_or_default().to_string()),
                Err(e) => Err(format!("jsonencode failed: {e:?}")),
            },
            Err(FuncError::Call { message }) => Err(message),
            Err(other) => Err(format!("{other:?}")),
        };
        let matches = match (want, &got) {
            (Ok(w), Ok(g)) | (Err(w), Err(g)) => w == g,
            _ => false,
        };
        if !matches {
            failures.push(format!(
                "yamldecode({input:?}):\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        DECODE_CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn yamldecode_infinities() {
    let v = call1(
        "yamldecode",
        Value::string("[.inf, -.Inf, +.INF, !!float -inf]"),
    )
    .expect("yamldecode");
    let want = Value::tuple(vec![
        Value::number(Number::infinity(false)),
        Value::number(Number::infinity(true)),
        Value::number(Number::infinity(false)),
        Value::number(Number::infinity(true)),
    ]);
    assert_eq!(v, want);
}

#[test]
fn yamldecode_null_and_unknown_arguments() {
    let e = call1("yamldecode", Value::null(Type::String)).expect_err("null source");
    assert!(
        matches!(e, FuncError::Arg { ref message, .. } if message == "argument must not be null"),
        "{e:?}"
    );
    let v = call1("yamldecode", Value::unknown(Type::String)).expect("unknown source");
    assert!(!v.is_known());
}

#[test]
fn yaml_round_trips() {
    let src = "a:\n- 1\n- \"two\"\n- |\n  three\n  lines\n\"b\": {}\n";
    let v = call1("yamldecode", Value::string(src)).expect("yamldecode");
    let again = call1("yamldecode", Value::string(yamlencode(v.clone())))
        .expect("yamldecode of yamlencode");
    assert_eq!(v, again);
}

/// Where the libyaml port (libyaml 0.2.5 rules) and go-yaml v2's scanner disagree, Terraform's
/// texts are not reproduced: go-yaml reads `,`, `[` and `]` as part of a shorthand tag and then
/// reports the tag as unsupported, while libyaml ends the tag there. Both reject the document.
/// (go-yaml also rejects the YAML 1.2 escape `\/` in double quotes, which libyaml accepts.)
#[test]
fn yamldecode_tags_with_commas_are_rejected() {
    for (input, terraform) in [
        ("[!!str, x]", "unsupported tag \"tag:yaml.org,2002:str,\""),
        ("a: !!str,x", "unsupported tag \"tag:yaml.org,2002:str,x\""),
        ("!foo, x", "unsupported tag \"!foo,\""),
    ] {
        match call1("yamldecode", Value::string(input)) {
            Err(FuncError::Call { .. }) => {}
            other => {
                panic!("yamldecode({input:?}) should fail (Terraform: {terraform}), got {other:?}")
            }
        }
    }
}

/// A hostile nesting depth is an error, not a stack overflow, even on a small thread stack.
#[test]
fn yamldecode_deep_nesting_is_bounded() {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let ok = format!("{}1{}", "[".repeat(256), "]".repeat(256));
            assert!(call1("yamldecode", Value::string(ok)).is_ok());
            let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
            call1("yamldecode", Value::string(deep))
        })
        .expect("spawn");
    let result = handle.join().expect("no stack overflow");
    assert!(
        matches!(result, Err(FuncError::Call { ref message }) if message.contains("nested more than 256")),
        "{result:?}"
    );
}
