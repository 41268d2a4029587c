//! Encryption at rest: AES-256-GCM over everything a store writes (snapshots, backups, history,
//! journal records), with the key given directly or derived from a passphrase with Argon2id.
//!
//! ## Envelope
//!
//! Every encrypted blob is self-describing:
//!
//! ```text
//! "INFRAEC1" | kdf: u8 (0 = raw key, 1 = Argon2id) | salt: 16 bytes | nonce: 12 bytes | ciphertext+tag
//! ```
//!
//! The nonce is random per blob (96 bits from the OS RNG, via UUID v4 generation's source), the
//! salt is per [`Encryption`] instance (random), and the 8-byte header plus kdf byte and salt are
//! authenticated as associated data, so that no part of the envelope can be altered unnoticed. A
//! wrong key and a modified file give the same error: GCM cannot tell them apart.
//!
//! Plain (unencrypted) state is still *read* when encryption is configured — that is how one
//! turns encryption on for an existing state — but every write is encrypted, including the
//! backup of that plaintext state.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::error::{Error, Result};

/// First bytes of an encrypted blob.
pub const ENCRYPTED_MAGIC: &[u8; 8] = b"INFRAEC1";
/// Environment variable holding a raw 256-bit key as 64 hex digits.
pub const KEY_ENV: &str = "INFRA_STATE_ENCRYPTION_KEY";
/// Environment variable holding a passphrase (a key is derived with Argon2id).
pub const PASSPHRASE_ENV: &str = "INFRA_STATE_PASSPHRASE";

const KDF_RAW: u8 = 0;
const KDF_ARGON2ID: u8 = 1;
const HEADER_LEN: usize = 8 + 1 + 16 + 12;

#[derive(Clone)]
enum Secret {
    Key([u8; 32]),
    Passphrase(String),
}

/// An encryption key (or passphrase) and the salt used for new blobs.
pub struct Encryption {
    secret: Secret,
    salt: [u8; 16],
    /// Keys derived from the passphrase, by salt: Argon2id is deliberately slow, and a journal
    /// holds many blobs with the same salt.
    derived: Mutex<HashMap<[u8; 16], [u8; 32]>>,
}

impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        let kind = match self.secret {
            Secret::Key(_) => "key",
            Secret::Passphrase(_) => "passphrase",
        };
        write!(f, "Encryption({kind})")
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    // uuid's v4 generator draws from the operating system's RNG (getrandom).
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(16) {
        let bytes = uuid::Uuid::new_v4().into_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    out
}

impl Encryption {
    /// From a raw 256-bit key.
    pub fn from_key(key: [u8; 32]) -> Self {
        Encryption { secret: Secret::Key(key), salt: [0; 16], derived: Mutex::new(HashMap::new()) }
    }

    /// From a raw key written as 64 hex digits.
    pub fn from_hex_key(hex: &str) -> Result<Self> {
        let hex = hex.trim();
        let bad = || Error::Crypto(format!("Invalid state encryption key: expected 64 hexadecimal digits (256 bits), got {} characters.", hex.len()));
        if hex.len() != 64 {
            return Err(bad());
        }
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or_else(bad)?, 16).map_err(|_| bad())?;
        }
        Ok(Encryption::from_key(key))
    }

    /// From a passphrase; the key is derived with Argon2id and a random salt stored in each blob.
    pub fn from_passphrase(passphrase: &str) -> Result<Self> {
        if passphrase.is_empty() {
            return Err(Error::Crypto("Invalid state encryption passphrase: it is empty.".into()));
        }
        Ok(Encryption {
            secret: Secret::Passphrase(passphrase.to_owned()),
            salt: random_bytes::<16>(),
            derived: Mutex::new(HashMap::new()),
        })
    }

    /// From the environment: [`KEY_ENV`] (hex key) or else [`PASSPHRASE_ENV`]; `Ok(None)` when
    /// neither is set.
    pub fn from_env() -> Result<Option<Self>> {
        if let Ok(hex) = std::env::var(KEY_ENV) {
            return Encryption::from_hex_key(&hex).map(Some);
        }
        if let Ok(passphrase) = std::env::var(PASSPHRASE_ENV) {
            return Encryption::from_passphrase(&passphrase).map(Some);
        }
        Ok(None)
    }

    fn key_for(&self, kdf: u8, salt: &[u8; 16]) -> Result<[u8; 32]> {
        match (&self.secret, kdf) {
            (Secret::Key(key), KDF_RAW) => Ok(*key),
            (Secret::Passphrase(pass), KDF_ARGON2ID) => {
                let mut cache = self.derived.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(key) = cache.get(salt) {
                    return Ok(*key);
                }
                let mut key = [0u8; 32];
                argon2::Argon2::default()
                    .hash_password_into(pass.as_bytes(), salt, &mut key)
                    .map_err(|e| Error::Crypto(format!("Failed to derive the state encryption key: {e}")))?;
                cache.insert(*salt, key);
                Ok(key)
            }
            (Secret::Key(_), _) => Err(Error::Crypto(
                "The state was encrypted with a passphrase, but an encryption key was given (set INFRA_STATE_PASSPHRASE instead).".into(),
            )),
            (Secret::Passphrase(_), _) => Err(Error::Crypto(
                "The state was encrypted with a raw key, but a passphrase was given (set INFRA_STATE_ENCRYPTION_KEY instead).".into(),
            )),
        }
    }

    /// Encrypts `plain` into a self-describing blob.
    pub fn encrypt(&self, plain: &[u8]) -> Result<Vec<u8>> {
        let kdf = match self.secret {
            Secret::Key(_) => KDF_RAW,
            Secret::Passphrase(_) => KDF_ARGON2ID,
        };
        let key = self.key_for(kdf, &self.salt)?;
        let nonce = random_bytes::<12>();
        let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + 16);
        out.extend_from_slice(ENCRYPTED_MAGIC);
        out.push(kdf);
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&nonce);
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| Error::Crypto(format!("Invalid key: {e}")))?;
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: &out[..8 + 1 + 16] })
            .map_err(|_| Error::Crypto("Failed to encrypt state.".into()))?;
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts a blob made by [`Encryption::encrypt`]; `what` names it in errors.
    pub fn decrypt(&self, blob: &[u8], what: &Path) -> Result<Vec<u8>> {
        if !is_encrypted(blob) || blob.len() < HEADER_LEN + 16 {
            return Err(Error::Crypto(format!("Failed to decrypt {}: the encrypted data is truncated.", what.display())));
        }
        let kdf = blob[8];
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&blob[9..25]);
        let key = self.key_for(kdf, &salt)?;
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| Error::Crypto(format!("Invalid key: {e}")))?;
        cipher
            .decrypt(Nonce::from_slice(&blob[25..37]), Payload { msg: &blob[HEADER_LEN..], aad: &blob[..25] })
            .map_err(|_| {
                Error::Crypto(format!(
                    "Failed to decrypt {}: wrong encryption key or passphrase, or the file was modified (authentication failed).",
                    what.display()
                ))
            })
    }
}

/// Whether bytes are an encrypted blob.
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(ENCRYPTED_MAGIC)
}

/// Bytes read from disk → plaintext: decrypts encrypted data (error without a key), passes
/// plaintext through.
pub(crate) fn decode_for_read(enc: Option<&Encryption>, path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    if !is_encrypted(&bytes) {
        return Ok(bytes);
    }
    match enc {
        Some(enc) => enc.decrypt(&bytes, path),
        None => Err(Error::Crypto(format!(
            "The state in {} is encrypted: set {KEY_ENV} or {PASSPHRASE_ENV} to read it.",
            path.display()
        ))),
    }
}

/// Plaintext → bytes for disk (encrypted when configured). Already-encrypted bytes are kept.
pub(crate) fn encode_for_write(enc: Option<&Encryption>, bytes: &[u8]) -> Result<Vec<u8>> {
    match enc {
        Some(enc) if !is_encrypted(bytes) => enc.encrypt(bytes),
        _ => Ok(bytes.to_vec()),
    }
}
