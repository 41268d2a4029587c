//! The function table and the generic call machinery (arity, conversion, unknowns, marks).
//! TEMPORARY stub: the function families are being written.

use infra_value::Value;

use crate::{FuncContext, FuncError};

pub fn call(_name: &str, _args: Vec<Value>, _ctx: &FuncContext) -> Result<Value, FuncError> {
    Err(FuncError::UnknownFunction)
}

pub fn exists(_name: &str) -> bool {
    false
}

pub fn names() -> Vec<&'static str> {
    Vec::new()
}
