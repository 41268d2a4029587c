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

/// The digest of `bytes` as a string value. Built on the stack: the sum and its hex text are
/// at most 64 and 128 bytes, and `md5(...)` in a resource with many instances is called once per
/// instance (a vector and a string allocated per call, then copied into the value).
fn digest(bytes: &[u8], algo: Algo, enc: Enc) -> Value {
    let mut buf = [0u8; 64];
    let n = match algo {
        Algo::Md5 => put(&mut buf, &md5::Md5::digest(bytes)),
        Algo::Sha1 => put(&mut buf, &sha1::Sha1::digest(bytes)),
        Algo::Sha256 => put(&mut buf, &sha2::Sha256::digest(bytes)),
        Algo::Sha512 => put(&mut buf, &sha2::Sha512::digest(bytes)),
    };
    let sum = &buf[..n];
    match enc {
        Enc::Hex => {
            const DIGITS: &[u8; 16] = b"0123456789abcdef";
            let mut hex = [0u8; 128];
            for (i, b) in sum.iter().enumerate() {
                hex[2 * i] = DIGITS[usize::from(b >> 4)];
                hex[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
            }
            Value::string(std::str::from_utf8(&hex[..2 * n]).unwrap_or_default())
        }
        Enc::Base64 => Value::string(base64::engine::general_purpose::STANDARD.encode(sum)),
    }
}

/// Copies a digest into `buf` (large enough for SHA-512), returning its length.
fn put(buf: &mut [u8; 64], sum: &[u8]) -> usize {
    let n = sum.len().min(buf.len());
    buf[..n].copy_from_slice(&sum[..n]);
    n
}

fn digest_string(args: &[Value], algo: Algo, enc: Enc) -> Value {
    digest(text(&args[0]).as_bytes(), algo, enc)
}

fn digest_file(args: &[Value], ctx: &FuncContext, algo: Algo, enc: Enc) -> Result<Value, FuncError> {
    let bytes = read_for_hash(ctx, text(&args[0]))?;
    Ok(digest(&bytes, algo, enc))
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
