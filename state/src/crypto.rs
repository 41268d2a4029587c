//! Encryption at rest (placeholder until implemented).

use std::path::Path;

use crate::error::Result;

/// Encrypts state bytes before they reach the disk.
#[derive(Debug)]
pub struct Encryption {
    _private: (),
}

impl Encryption {
    pub(crate) fn encrypt(&self, plain: &[u8]) -> Result<Vec<u8>> {
        Ok(plain.to_vec())
    }
}

pub(crate) fn decode_for_read(_enc: Option<&Encryption>, _path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    Ok(bytes)
}
