//! Terraform's conversion functions.

use crate::registry::Function;

pub fn functions() -> &'static [Function] {
    &[]
}
