//! Terraform's collection functions.

use crate::registry::Function;

pub fn functions() -> &'static [Function] {
    &[]
}
