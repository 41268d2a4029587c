//! Terraform's hash and crypto functions: hex and base64 digests of strings and files, `bcrypt`,
//! and UUIDs. `uuid` is impure: it is unknown while planning, as in Terraform, so that plans do
//! not show a value that apply would change.

use std::sync::LazyLock;

use base64::Engine;
use infra_value::{Type, Value};
use md5::Digest;

use crate::filesystem::read_for_hash;
use crate::registry::{call_error, Function, Param};
use crate::string::{text, whole_number};
use crate::{FuncContext, FuncError};

static FUNCTIONS: LazyLock<Vec<Function>> = LazyLock::new(|| {
    let s = |name| Param::new(name, Type::String);
    let ret_string: fn(&[Value]) -> Result<Type, FuncError> = |_| Ok(Type::String);
    vec![
        Function::new("base64sha256", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Sha256, Enc::Base64))),
        Function::new("base64sha512", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Sha512, Enc::Base64))),
        Function::new("bcrypt", vec![s("str")], ret_string, bcrypt).variadic(Param::new("cost", Type::Number)),
        Function::new("filebase64sha256", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Sha256, Enc::Base64)),
        Function::new("filebase64sha512", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Sha512, Enc::Base64)),
        Function::new("filemd5", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Md5, Enc::Hex)),
        Function::new("filesha1", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Sha1, Enc::Hex)),
        Function::new("filesha256", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Sha256, Enc::Hex)),
        Function::new("filesha512", vec![s("path")], ret_string, |a, _, c| digest_file(a, c, Algo::Sha512, Enc::Hex)),
        Function::new("md5", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Md5, Enc::Hex))),
        Function::new("sha1", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Sha1, Enc::Hex))),
        Function::new("sha256", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Sha256, Enc::Hex))),
        Function::new("sha512", vec![s("str")], ret_string, |a, _, _| Ok(digest_string(a, Algo::Sha512, Enc::Hex))),
        Function::new("uuid", vec![], ret_string, uuid),
        Function::new("uuidv5", vec![s("namespace"), s("name")], ret_string, uuidv5),
    ]
});

/// This family's functions (see `registry` for how a family registers them).
pub fn functions() -> &'static [Function] {
    &FUNCTIONS
}

#[derive(Clone, Copy)]
enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

#[derive(Clone, Copy)]
enum Enc {
    Hex,
    Base64,
}

fn digest(bytes: &[u8], algo: Algo, enc: Enc) -> String {
    let sum: Vec<u8> = match algo {
        Algo::Md5 => md5::Md5::digest(bytes).to_vec(),
        Algo::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
        Algo::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        Algo::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
    };
    match enc {
        Enc::Hex => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            let mut hex = String::with_capacity(sum.len() * 2);
            for b in &sum {
                hex.push(char::from(DIGITS[usize::from(b >> 4)]));
                hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
            }
            hex
        }
        Enc::Base64 => base64::engine::general_purpose::STANDARD.encode(sum),
    }
}

fn digest_string(args: &[Value], algo: Algo, enc: Enc) -> Value {
    Value::string(digest(text(&args[0]).as_bytes(), algo, enc))
}

fn digest_file(args: &[Value], ctx: &FuncContext, algo: Algo, enc: Enc) -> Result<Value, FuncError> {
    let bytes = read_for_hash(ctx, text(&args[0]))?;
    Ok(Value::string(digest(&bytes, algo, enc)))
}

/// Go's bcrypt: `$2a$` hashes, a cost below 4 means the default 10, above 31 is an error.
fn bcrypt(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let mut cost: i64 = 10;
    if let Some(c) = args.get(1) {
        cost = whole_number(c).map_err(call_error)?;
    }
    if args.len() > 2 {
        return Err(call_error("bcrypt() takes no more than two arguments"));
    }
    if cost < 4 {
        cost = 10;
    }
    if cost > 31 {
        return Err(call_error(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )));
    }
    let password = text(&args[0]).as_bytes();
    // Go's bcrypt rejects passwords over 72 bytes; older versions (and Terraform 1.11) truncate.
    let password = &password[..password.len().min(72)];
    let parts = bcrypt::hash_with_result(password, cost as u32)
        .map_err(|e| call_error(format!("error occured generating password {e}")))?;
    Ok(Value::string(parts.format_for_version(bcrypt::Version::TwoA)))
}

fn uuid(_: &[Value], _: &Type, ctx: &FuncContext) -> Result<Value, FuncError> {
    if ctx.planning {
        return Ok(Value::unknown(Type::String));
    }
    Ok(Value::string(uuid::Uuid::new_v4().hyphenated().to_string()))
}

fn uuidv5(args: &[Value], _: &Type, _: &FuncContext) -> Result<Value, FuncError> {
    let namespace_text = text(&args[0]);
    let namespace = match namespace_text {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => parse_go_uuid(other).map_err(|e| {
            call_error(format!("uuidv5() doesn't support namespace {other} ({e})"))
        })?,
    };
    Ok(Value::string(uuid::Uuid::new_v5(&namespace, text(&args[1]).as_bytes()).hyphenated().to_string()))
}

/// google/uuid's `Parse`, with its error texts.
fn parse_go_uuid(s: &str) -> Result<uuid::Uuid, String> {
    let len = s.len();
    let hex = match len {
        36 => s.to_string(),
        38 if s.starts_with('{') && s.ends_with('}') => s[1..37].to_string(),
        45 if s.to_ascii_lowercase().starts_with("urn:uuid:") => s[9..].to_string(),
        32 => return uuid::Uuid::try_parse(s).map_err(|_| "invalid UUID format".to_string()),
        _ => return Err(format!("invalid UUID length: {len}")),
    };
    let b = hex.as_bytes();
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    uuid::Uuid::try_parse(&hex).map_err(|_| "invalid UUID format".to_string())
}
