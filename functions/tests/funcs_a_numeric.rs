//! `terraform console` parity for the numeric functions: every expected result below is
//! the output of Terraform 1.11.4 for the same expression (whitespace collapsed).

mod funcs_a_support;

#[test]
fn numeric_functions_match_terraform_console() {
    funcs_a_support::check_all(&[
        (r#"abs(-12.4)"#, r#"12.4"#),
        (r#"abs(0)"#, r#"0"#),
        (r#"abs("-3")"#, r#"3"#),
        (r#"ceil(4.1)"#, r#"5"#),
        (r#"ceil(-4.1)"#, r#"-4"#),
        (r#"ceil(5)"#, r#"5"#),
        (r#"floor(4.9)"#, r#"4"#),
        (r#"floor(-4.1)"#, r#"-5"#),
        (r#"log(50, 10)"#, r#"1.6989700043360185"#),
        (r#"log(16, 2)"#, r#"4"#),
        (r#"log(0, 10)"#, r#"-Inf"#),
        (
            r#"log(1, 1)"#,
            r#"Error: Error in function call Call to function "log" failed: panic in function implementation: Float.SetFloat64(NaN)."#,
        ),
        (
            r#"log(-1, 10)"#,
            r#"Error: Error in function call Call to function "log" failed: panic in function implementation: Float.SetFloat64(NaN)."#,
        ),
        (r#"max(12, 54, 3)"#, r#"54"#),
        (r#"max(-1)"#, r#"-1"#),
        (
            r#"max()"#,
            r#"Error: Error in function call Call to function "max" failed: must pass at least one number."#,
        ),
        (r#"max("7", 3)"#, r#"7"#),
        (r#"min(12, 54, 3)"#, r#"3"#),
        (
            r#"min()"#,
            r#"Error: Error in function call Call to function "min" failed: must pass at least one number."#,
        ),
        (
            r#"min("a")"#,
            r#"Error: Invalid function argument Invalid value for "numbers" parameter: a number is required."#,
        ),
        (r#"parseint("100", 10)"#, r#"100"#),
        (r#"parseint("FF", 16)"#, r#"255"#),
        (r#"parseint("ff", 16)"#, r#"255"#),
        (r#"parseint("-10", 16)"#, r#"-16"#),
        (r#"parseint("+11", 2)"#, r#"3"#),
        (r#"parseint("zz", 36)"#, r#"1295"#),
        (r#"parseint("Zz", 62)"#, r#"3817"#),
        (
            r#"parseint("12", 2)"#,
            r#"Error: Invalid function argument Invalid value for "number" parameter: cannot parse "12" as a base 2 integer."#,
        ),
        (
            r#"parseint("", 10)"#,
            r#"Error: Invalid function argument Invalid value for "number" parameter: cannot parse "" as a base 10 integer."#,
        ),
        (
            r#"parseint("1_000", 10)"#,
            r#"Error: Invalid function argument Invalid value for "number" parameter: cannot parse "1_000" as a base 10 integer."#,
        ),
        (
            r#"parseint("0x10", 16)"#,
            r#"Error: Invalid function argument Invalid value for "number" parameter: cannot parse "0x10" as a base 16 integer."#,
        ),
        (
            r#"parseint(10, 10)"#,
            r#"Error: Invalid function argument Invalid value for "number" parameter: first argument must be a string, not number."#,
        ),
        (
            r#"parseint("10", 1)"#,
            r#"Error: Invalid function argument Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            r#"parseint("10", 63)"#,
            r#"Error: Invalid function argument Invalid value for "base" parameter: base must be a whole number between 2 and 62 inclusive."#,
        ),
        (
            r#"parseint("10", 2.5)"#,
            r#"Error: Invalid function argument Invalid value for "base" parameter: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"parseint("123456789012345678901234567890", 10)"#,
            r#"123456789012345678901234567890"#,
        ),
        (r#"pow(3, 2)"#, r#"9"#),
        (r#"pow(4, 0)"#, r#"1"#),
        (r#"pow(2, -1)"#, r#"0.5"#),
        (r#"pow(2, 0.5)"#, r#"1.4142135623730951"#),
        (
            r#"pow(-8, 1/3)"#,
            r#"Error: Error in function call Call to function "pow" failed: panic in function implementation: Float.SetFloat64(NaN)."#,
        ),
        (r#"signum(-13)"#, r#"-1"#),
        (r#"signum(0)"#, r#"0"#),
        (r#"signum(344)"#, r#"1"#),
        (
            r#"signum(0.5)"#,
            r#"Error: Error in function call Call to function "signum" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"abs(null)"#,
            r#"Error: Invalid function argument Invalid value for "num" parameter: argument must not be null."#,
        ),
        (
            r#"floor(true)"#,
            r#"Error: Invalid function argument Invalid value for "num" parameter: number required."#,
        ),
        (
            r#"ceil()"#,
            r#"Error: Not enough function arguments Function "ceil" expects 1 argument(s). Missing value for "num"."#,
        ),
        (
            r#"pow(1, 2, 3)"#,
            r#"Error: Too many function arguments Function "pow" expects only 2 argument(s)."#,
        ),
    ]);
}
