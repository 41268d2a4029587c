//! Terraform's numeric functions.

use crate::registry::Function;

pub fn functions() -> &'static [Function] {
    &[]
}
