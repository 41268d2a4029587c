//! Private keys: generation, the PEM/PKCS#8/OpenSSH encodings HashiCorp's provider stores,
//! parsing of user-supplied keys, public key attributes, and signing.

use std::collections::BTreeMap;

use base64::Engine as _;
use md5::Digest as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::BigUint;
use thiserror::Error;

use crate::der;
use crate::pem;

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("failed to decode PEM block: decoded bytes {decoded}, undecoded {undecoded}")]
    NoPem { decoded: usize, undecoded: usize },
    #[error("unsupported PEM preamble/type: {0}")]
    UnsupportedPreamble(String),
    #[error("failed to parse private key given PEM preamble '{preamble}': {reason}")]
    Parse { preamble: String, reason: String },
    #[error("failed to parse openssh private key: {0}")]
    OpenSsh(String),
    #[error("invalid ECDSA curve; supported values are: [P224 P256 P384 P521]")]
    InvalidCurve,
    #[error("{0}")]
    Generate(String),
    #[error("{0}")]
    Encode(String),
}

/// The key algorithms of `tls_private_key.algorithm`.
pub const ALGORITHMS: [&str; 3] = ["RSA", "ECDSA", "ED25519"];
/// The curves of `tls_private_key.ecdsa_curve`.
pub const CURVES: [&str; 4] = ["P224", "P256", "P384", "P521"];

/// A private key of one of the supported algorithms.
pub enum PrivateKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    P224(p224::SecretKey),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

const OID_RSA: &[u64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
const OID_ED25519: &[u64] = &[1, 3, 101, 112];

/// The SSH name and curve identifier of a NIST curve, as OpenSSH writes them.
fn ssh_curve(key: &PrivateKey) -> Option<(&'static str, &'static str)> {
    match key {
        PrivateKey::P256(_) => Some(("ecdsa-sha2-nistp256", "nistp256")),
        PrivateKey::P384(_) => Some(("ecdsa-sha2-nistp384", "nistp384")),
        PrivateKey::P521(_) => Some(("ecdsa-sha2-nistp521", "nistp521")),
        _ => None,
    }
}

fn enc_err(e: impl std::fmt::Display) -> KeyError {
    KeyError::Encode(e.to_string())
}

impl PrivateKey {
    /// Generates a key as `tls_private_key` does.
    pub fn generate(algorithm: &str, rsa_bits: i64, curve: &str) -> Result<PrivateKey, KeyError> {
        match algorithm {
            "RSA" => {
                let bits = usize::try_from(rsa_bits).map_err(|_| KeyError::Generate(format!("invalid RSA key size {rsa_bits}")))?;
                if !(1024..=16384).contains(&bits) {
                    return Err(KeyError::Generate(format!(
                        "crypto/rsa: {bits}-bit keys are not supported: use between 1024 and 16384 bits"
                    )));
                }
                rsa::RsaPrivateKey::new(&mut OsRng, bits)
                    .map(|k| PrivateKey::Rsa(Box::new(k)))
                    .map_err(|e| KeyError::Generate(e.to_string()))
            }
            "ECDSA" => match curve {
                "P224" => Ok(PrivateKey::P224(p224::SecretKey::random(&mut OsRng))),
                "P256" => Ok(PrivateKey::P256(p256::SecretKey::random(&mut OsRng))),
                "P384" => Ok(PrivateKey::P384(p384::SecretKey::random(&mut OsRng))),
                "P521" => Ok(PrivateKey::P521(p521::SecretKey::random(&mut OsRng))),
                _ => Err(KeyError::InvalidCurve),
            },
            "ED25519" => Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::generate(&mut OsRng)))),
            other => Err(KeyError::Generate(format!("Key Algorithm {other:?} is not supported"))),
        }
    }

    /// `RSA`, `ECDSA` or `ED25519`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            PrivateKey::Rsa(_) => "RSA",
            PrivateKey::Ed25519(_) => "ED25519",
            _ => "ECDSA",
        }
    }

    /// Parses a PEM private key (`RSA PRIVATE KEY`, `EC PRIVATE KEY` or `PRIVATE KEY`), as the
    /// provider's `private_key_pem` arguments accept.
    pub fn from_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let Some(block) = pem::decode(text) else {
            return Err(KeyError::NoPem { decoded: 0, undecoded: text.len() });
        };
        let parse_err = |reason: String| KeyError::Parse { preamble: block.label.clone(), reason };
        match block.label.as_str() {
            "RSA PRIVATE KEY" => rsa::RsaPrivateKey::from_pkcs1_der(&block.der)
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| parse_err(e.to_string())),
            "EC PRIVATE KEY" => parse_sec1(&block.der).map_err(parse_err),
            "PRIVATE KEY" => parse_pkcs8(&block.der).map_err(parse_err),
            "PUBLIC KEY" | "CERTIFICATE" | "CERTIFICATE REQUEST" => {
                Err(KeyError::Parse { preamble: block.label.clone(), reason: "unable to determine parser for PEM preamble".into() })
            }
            other => Err(KeyError::UnsupportedPreamble(other.to_string())),
        }
    }

    /// Parses any private key Go's `ssh.ParseRawPrivateKey` accepts: OpenSSH's own format or
    /// the PEM formats.
    pub fn from_openssh(text: &str) -> Result<PrivateKey, KeyError> {
        let Some(block) = pem::decode(text) else {
            return Err(KeyError::OpenSsh("ssh: no key found".into()));
        };
        match block.label.as_str() {
            "OPENSSH PRIVATE KEY" => parse_openssh(&block.der).map_err(KeyError::OpenSsh),
            "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "PRIVATE KEY" => {
                PrivateKey::from_pem(text).map_err(|e| KeyError::OpenSsh(e.to_string()))
            }
            other => Err(KeyError::OpenSsh(format!("ssh: unsupported key type {other:?}"))),
        }
    }

    /// The key in the PEM format `tls_private_key.private_key_pem` holds: PKCS#1 for RSA, SEC 1
    /// for ECDSA, PKCS#8 for ED25519 (as Go's marshallers).
    pub fn to_pem(&self) -> Result<String, KeyError> {
        Ok(match self {
            PrivateKey::Rsa(k) => pem::encode("RSA PRIVATE KEY", k.to_pkcs1_der().map_err(enc_err)?.as_bytes()),
            PrivateKey::P224(_) | PrivateKey::P256(_) | PrivateKey::P384(_) | PrivateKey::P521(_) => {
                pem::encode("EC PRIVATE KEY", &self.sec1_der().ok_or_else(|| enc_err("not an EC key"))?)
            }
            PrivateKey::Ed25519(_) => self.to_pkcs8_pem()?,
        })
    }

    /// Go's `MarshalECPrivateKey`: version 1, the scalar, the named curve (`[0]`, which
    /// OpenSSL needs and RustCrypto leaves out) and the public point (`[1]`).
    fn sec1_der(&self) -> Option<Vec<u8>> {
        let curve: &[u64] = match self {
            PrivateKey::P224(_) => &[1, 3, 132, 0, 33],
            PrivateKey::P256(_) => &[1, 2, 840, 10045, 3, 1, 7],
            PrivateKey::P384(_) => &[1, 3, 132, 0, 34],
            PrivateKey::P521(_) => &[1, 3, 132, 0, 35],
            _ => return None,
        };
        Some(der::sequence(&[
            der::int(1),
            der::octet_string(&self.ec_scalar()?),
            der::context(0, true, &der::oid(curve)),
            der::context(1, true, &der::bit_string(&self.ec_point()?)),
        ]))
    }

    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        let der: Vec<u8> = match self {
            PrivateKey::Rsa(k) => k.to_pkcs8_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P224(k) => k.to_pkcs8_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P256(k) => k.to_pkcs8_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P384(k) => k.to_pkcs8_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P521(k) => k.to_pkcs8_der().map_err(enc_err)?.as_bytes().to_vec(),
            // Go writes a version-0 PrivateKeyInfo holding only the 32-byte seed.
            PrivateKey::Ed25519(k) => der::sequence(&[
                der::int(0),
                der::sequence(&[der::oid(OID_ED25519)]),
                der::octet_string(&der::octet_string(&k.to_bytes())),
            ]),
        };
        Ok(pem::encode("PRIVATE KEY", &der))
    }

    /// The public key as a DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> Result<Vec<u8>, KeyError> {
        Ok(match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P224(k) => k.public_key().to_public_key_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P256(k) => k.public_key().to_public_key_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P384(k) => k.public_key().to_public_key_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::P521(k) => k.public_key().to_public_key_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::Ed25519(k) => der::sequence(&[
                der::sequence(&[der::oid(OID_ED25519)]),
                der::bit_string(k.verifying_key().as_bytes()),
            ]),
        })
    }

    /// The uncompressed EC point, for ECDSA keys.
    fn ec_point(&self) -> Option<Vec<u8>> {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        match self {
            PrivateKey::P224(k) => Some(k.public_key().to_encoded_point(false).as_bytes().to_vec()),
            PrivateKey::P256(k) => Some(k.public_key().to_encoded_point(false).as_bytes().to_vec()),
            PrivateKey::P384(k) => Some(k.public_key().to_encoded_point(false).as_bytes().to_vec()),
            PrivateKey::P521(k) => Some(k.public_key().to_encoded_point(false).as_bytes().to_vec()),
            _ => None,
        }
    }

    fn ec_scalar(&self) -> Option<Vec<u8>> {
        match self {
            PrivateKey::P224(k) => Some(k.to_bytes().to_vec()),
            PrivateKey::P256(k) => Some(k.to_bytes().to_vec()),
            PrivateKey::P384(k) => Some(k.to_bytes().to_vec()),
            PrivateKey::P521(k) => Some(k.to_bytes().to_vec()),
            _ => None,
        }
    }

    /// The SSH wire encoding of the public key, or `None` for P-224, which SSH does not
    /// support (HashiCorp's provider leaves the OpenSSH attributes empty then).
    pub fn ssh_public_blob(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            PrivateKey::Rsa(k) => {
                ssh_string(&mut out, b"ssh-rsa");
                ssh_mpint(&mut out, &k.e().to_bytes_be());
                ssh_mpint(&mut out, &k.n().to_bytes_be());
            }
            PrivateKey::Ed25519(k) => {
                ssh_string(&mut out, b"ssh-ed25519");
                ssh_string(&mut out, k.verifying_key().as_bytes());
            }
            PrivateKey::P224(_) => return None,
            _ => {
                let (name, curve) = ssh_curve(self)?;
                ssh_string(&mut out, name.as_bytes());
                ssh_string(&mut out, curve.as_bytes());
                ssh_string(&mut out, &self.ec_point()?);
            }
        }
        Some(out)
    }

    fn ssh_key_type(&self) -> Option<&'static str> {
        match self {
            PrivateKey::Rsa(_) => Some("ssh-rsa"),
            PrivateKey::Ed25519(_) => Some("ssh-ed25519"),
            _ => ssh_curve(self).map(|(n, _)| n),
        }
    }

    /// The key in OpenSSH's `openssh-key-v1` format, unencrypted, with an empty comment; empty
    /// for P-224 as in HashiCorp's provider.
    pub fn to_openssh(&self) -> Result<String, KeyError> {
        let (Some(pub_blob), Some(key_type)) = (self.ssh_public_blob(), self.ssh_key_type()) else {
            return Ok(String::new());
        };
        let mut private = Vec::new();
        let check = OsRng.next_u32();
        private.extend_from_slice(&check.to_be_bytes());
        private.extend_from_slice(&check.to_be_bytes());
        ssh_string(&mut private, key_type.as_bytes());
        match self {
            PrivateKey::Rsa(k) => {
                let primes = k.primes();
                let (Some(p), Some(q)) = (primes.first(), primes.get(1)) else {
                    return Err(KeyError::Encode("RSA key without two primes".into()));
                };
                let iqmp = k
                    .crt_coefficient()
                    .ok_or_else(|| KeyError::Encode("RSA key without CRT coefficient".into()))?;
                for n in [k.n(), k.e(), k.d(), &iqmp, p, q] {
                    ssh_mpint(&mut private, &n.to_bytes_be());
                }
            }
            PrivateKey::Ed25519(k) => {
                let public = k.verifying_key().to_bytes();
                ssh_string(&mut private, &public);
                let mut both = k.to_bytes().to_vec();
                both.extend_from_slice(&public);
                ssh_string(&mut private, &both);
            }
            _ => {
                let (_, curve) = ssh_curve(self).ok_or_else(|| KeyError::Encode("unsupported curve".into()))?;
                ssh_string(&mut private, curve.as_bytes());
                ssh_string(&mut private, &self.ec_point().unwrap_or_default());
                ssh_mpint(&mut private, &self.ec_scalar().unwrap_or_default());
            }
        }
        ssh_string(&mut private, b""); // comment
        let mut pad = 1u8;
        while private.len() % 8 != 0 {
            private.push(pad);
            pad += 1;
        }
        let mut out = b"openssh-key-v1\0".to_vec();
        ssh_string(&mut out, b"none");
        ssh_string(&mut out, b"none");
        ssh_string(&mut out, b"");
        out.extend_from_slice(&1u32.to_be_bytes());
        ssh_string(&mut out, &pub_blob);
        ssh_string(&mut out, &private);
        Ok(pem::encode("OPENSSH PRIVATE KEY", &out))
    }

    /// The attributes every key-bearing object shares: `id`, `public_key_pem`,
    /// `public_key_openssh` and the fingerprints, as HashiCorp's `setPublicKeyAttributes`.
    pub fn public_key_attributes(&self) -> Result<BTreeMap<&'static str, String>, KeyError> {
        let spki = self.spki_der()?;
        let mut m = BTreeMap::new();
        m.insert("id", hash_for_state(&spki));
        m.insert("public_key_pem", pem::encode("PUBLIC KEY", &spki));
        let (mut openssh, mut md5_fp, mut sha256_fp) = (String::new(), String::new(), String::new());
        if let (Some(blob), Some(key_type)) = (self.ssh_public_blob(), self.ssh_key_type()) {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
            openssh = format!("{key_type} {b64}\n");
            md5_fp = md5::Md5::digest(&blob).iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
            sha256_fp =
                format!("SHA256:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha2::Sha256::digest(&blob)));
        }
        m.insert("public_key_openssh", openssh);
        m.insert("public_key_fingerprint_md5", md5_fp);
        m.insert("public_key_fingerprint_sha256", sha256_fp);
        Ok(m)
    }

    /// The DER AlgorithmIdentifier of the signatures [`PrivateKey::sign`] makes.
    pub fn signature_algorithm(&self) -> Vec<u8> {
        let ecdsa_alg = |last: u64| der::sequence(&[der::oid(&[1, 2, 840, 10045, 4, 3, last])]);
        match self {
            PrivateKey::Rsa(_) => der::sequence(&[der::oid(&[1, 2, 840, 113549, 1, 1, 11]), der::null()]),
            // Go signs P-224 with SHA-256.
            PrivateKey::P224(_) | PrivateKey::P256(_) => ecdsa_alg(2),
            PrivateKey::P384(_) => ecdsa_alg(3),
            PrivateKey::P521(_) => ecdsa_alg(4),
            PrivateKey::Ed25519(_) => der::sequence(&[der::oid(OID_ED25519)]),
        }
    }

    /// Signs `message` the way Go's `x509.CreateCertificate` does for this key type, returning
    /// the DER AlgorithmIdentifier and the signature bytes.
    pub fn sign(&self, message: &[u8]) -> Result<(Vec<u8>, Vec<u8>), KeyError> {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        use p256::ecdsa::signature::Signer;
        use rsa::signature::SignatureEncoding;
        let ecdsa_alg = |arcs: &[u64]| der::sequence(&[der::oid(arcs)]);
        Ok(match self {
            PrivateKey::Rsa(k) => {
                let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
                let sig: rsa::pkcs1v15::Signature = signer.try_sign(message).map_err(enc_err)?;
                (der::sequence(&[der::oid(&[1, 2, 840, 113549, 1, 1, 11]), der::null()]), sig.to_vec())
            }
            PrivateKey::P224(k) => {
                // Go signs P-224 with SHA-256.
                let signer = p224::ecdsa::SigningKey::from(k);
                let digest = sha2::Sha256::digest(message);
                let sig: p224::ecdsa::Signature = signer.sign_prehash(&digest).map_err(enc_err)?;
                (ecdsa_alg(&[1, 2, 840, 10045, 4, 3, 2]), sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::P256(k) => {
                let sig: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(k).try_sign(message).map_err(enc_err)?;
                (ecdsa_alg(&[1, 2, 840, 10045, 4, 3, 2]), sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::P384(k) => {
                let sig: p384::ecdsa::Signature = p384::ecdsa::SigningKey::from(k).try_sign(message).map_err(enc_err)?;
                (ecdsa_alg(&[1, 2, 840, 10045, 4, 3, 3]), sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::P521(k) => {
                let signer = p521::ecdsa::SigningKey::from_bytes(&k.to_bytes()).map_err(enc_err)?;
                let sig: p521::ecdsa::Signature = signer.try_sign(message).map_err(enc_err)?;
                (ecdsa_alg(&[1, 2, 840, 10045, 4, 3, 4]), sig.to_der().as_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => {
                let sig: ed25519_dalek::Signature = k.sign(message);
                (der::sequence(&[der::oid(OID_ED25519)]), sig.to_bytes().to_vec())
            }
        })
    }

    /// Go's `generateSubjectKeyID` in HashiCorp's provider: SHA-1 over the PKCS#1 public key
    /// (RSA), the uncompressed point (ECDSA) or the ASN.1 OCTET STRING of the key (Ed25519).
    pub fn subject_key_id(&self) -> Result<Vec<u8>, KeyError> {
        let bytes = match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_pkcs1_der().map_err(enc_err)?.as_bytes().to_vec(),
            PrivateKey::Ed25519(k) => der::octet_string(k.verifying_key().as_bytes()),
            _ => self.ec_point().unwrap_or_default(),
        };
        Ok(sha1::Sha1::digest(&bytes).to_vec())
    }
}

/// HashiCorp's `hashForState`: hex SHA-1 of the value with surrounding whitespace trimmed (Go's
/// `strings.TrimSpace`, applied even to binary DER), or empty for an empty value.
pub fn hash_for_state(value: &[u8]) -> String {
    let trimmed = go_trim_space(value);
    if value.is_empty() {
        return String::new();
    }
    hex::encode(sha1::Sha1::digest(trimmed))
}

/// Go's `strings.TrimSpace` on bytes that may not be UTF-8: strips leading and trailing Unicode
/// white space, decoding runes where the bytes are valid UTF-8.
fn go_trim_space(mut b: &[u8]) -> &[u8] {
    loop {
        let Some(c) = first_char(b) else { break };
        if !c.0.is_whitespace() {
            break;
        }
        b = &b[c.1..];
    }
    loop {
        let Some(c) = last_char(b) else { break };
        if !c.0.is_whitespace() {
            break;
        }
        b = &b[..b.len() - c.1];
    }
    b
}

fn first_char(b: &[u8]) -> Option<(char, usize)> {
    (1..=4.min(b.len())).find_map(|n| std::str::from_utf8(&b[..n]).ok().and_then(|s| s.chars().next()).map(|c| (c, n)))
}

fn last_char(b: &[u8]) -> Option<(char, usize)> {
    (1..=4.min(b.len()))
        .find_map(|n| std::str::from_utf8(&b[b.len() - n..]).ok().and_then(|s| s.chars().next_back()).map(|c| (c, n)))
}

fn ssh_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

/// An SSH `mpint` of a non-negative number given as big-endian magnitude.
fn ssh_mpint(out: &mut Vec<u8>, magnitude: &[u8]) {
    let skip = magnitude.iter().take_while(|b| **b == 0).count();
    let m = &magnitude[skip..];
    if m.is_empty() {
        ssh_string(out, &[]);
    } else if m[0] & 0x80 != 0 {
        let mut v = vec![0];
        v.extend_from_slice(m);
        ssh_string(out, &v);
    } else {
        ssh_string(out, m);
    }
}

fn parse_sec1(der_bytes: &[u8]) -> Result<PrivateKey, String> {
    if let Ok(k) = p256::SecretKey::from_sec1_der(der_bytes) {
        return Ok(PrivateKey::P256(k));
    }
    if let Ok(k) = p384::SecretKey::from_sec1_der(der_bytes) {
        return Ok(PrivateKey::P384(k));
    }
    if let Ok(k) = p224::SecretKey::from_sec1_der(der_bytes) {
        return Ok(PrivateKey::P224(k));
    }
    if let Ok(k) = p521::SecretKey::from_sec1_der(der_bytes) {
        return Ok(PrivateKey::P521(k));
    }
    Err("x509: failed to parse EC private key (unknown or malformed elliptic curve key)".into())
}

fn parse_pkcs8(der_bytes: &[u8]) -> Result<PrivateKey, String> {
    let malformed = |e: der::DerError| format!("x509: failed to parse private key: {e}");
    let mut outer = der::Reader::new(der_bytes).sequence().map_err(malformed)?;
    outer.expect(der::TAG_INTEGER).map_err(malformed)?;
    let mut alg = outer.sequence().map_err(malformed)?;
    let oid = alg.expect(der::TAG_OID).map_err(malformed)?;
    if oid.content == &der::oid(OID_RSA)[2..] {
        return rsa::RsaPrivateKey::from_pkcs8_der(der_bytes)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string());
    }
    if oid.content == &der::oid(OID_ED25519)[2..] {
        let inner = outer.expect(der::TAG_OCTET_STRING).map_err(malformed)?;
        let seed = der::Reader::new(inner.content).expect(der::TAG_OCTET_STRING).map_err(malformed)?;
        let seed: [u8; 32] = seed.content.try_into().map_err(|_| "x509: invalid Ed25519 private key length".to_string())?;
        return Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed))));
    }
    if oid.content == &der::oid(OID_EC_PUBLIC_KEY)[2..] {
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(der_bytes) {
            return Ok(PrivateKey::P256(k));
        }
        if let Ok(k) = p384::SecretKey::from_pkcs8_der(der_bytes) {
            return Ok(PrivateKey::P384(k));
        }
        if let Ok(k) = p224::SecretKey::from_pkcs8_der(der_bytes) {
            return Ok(PrivateKey::P224(k));
        }
        if let Ok(k) = p521::SecretKey::from_pkcs8_der(der_bytes) {
            return Ok(PrivateKey::P521(k));
        }
        return Err("x509: failed to parse EC private key embedded in PKCS#8: unknown elliptic curve".into());
    }
    Err(format!("x509: PKCS#8 wrapping contained private key with unknown algorithm: {}", der::oid_to_string(oid.content)))
}

/// A reader of SSH wire-format fields.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn u32(&mut self) -> Result<u32, String> {
        let (head, rest) = self.0.split_at_checked(4).ok_or("ssh: truncated key")?;
        self.0 = rest;
        Ok(u32::from_be_bytes([head[0], head[1], head[2], head[3]]))
    }
    fn string(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        let (head, rest) = self.0.split_at_checked(n).ok_or("ssh: truncated key")?;
        self.0 = rest;
        Ok(head)
    }
    fn mpint(&mut self) -> Result<BigUint, String> {
        Ok(BigUint::from_bytes_be(self.string()?))
    }
}

fn parse_openssh(data: &[u8]) -> Result<PrivateKey, String> {
    let magic = b"openssh-key-v1\0";
    let rest = data.strip_prefix(magic.as_slice()).ok_or("ssh: invalid openssh private key format")?;
    let mut r = SshReader(rest);
    let cipher = r.string()?;
    let _kdf = r.string()?;
    let _kdf_opts = r.string()?;
    if cipher != b"none" {
        return Err("ssh: this private key is passphrase protected".into());
    }
    if r.u32()? != 1 {
        return Err("ssh: multi-key files are not supported".into());
    }
    let _public = r.string()?;
    let mut p = SshReader(r.string()?);
    if p.u32()? != p.u32()? {
        return Err("ssh: malformed OpenSSH key".into());
    }
    let key_type = p.string()?;
    match key_type {
        b"ssh-rsa" => {
            let (n, e, d, _iqmp, pp, q) = (p.mpint()?, p.mpint()?, p.mpint()?, p.mpint()?, p.mpint()?, p.mpint()?);
            rsa::RsaPrivateKey::from_components(n, e, d, vec![pp, q])
                .map(|k| PrivateKey::Rsa(Box::new(k)))
                .map_err(|e| e.to_string())
        }
        b"ssh-ed25519" => {
            let _public = p.string()?;
            let private = p.string()?;
            let seed: [u8; 32] =
                private.get(..32).and_then(|s| s.try_into().ok()).ok_or("ssh: malformed ed25519 key")?;
            Ok(PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&seed))))
        }
        b"ecdsa-sha2-nistp256" | b"ecdsa-sha2-nistp384" | b"ecdsa-sha2-nistp521" => {
            let _curve = p.string()?;
            let _point = p.string()?;
            let scalar = p.string()?;
            let skip = scalar.iter().take_while(|b| **b == 0).count();
            let scalar = &scalar[skip..];
            let pad = |len: usize| -> Result<Vec<u8>, String> {
                if scalar.len() > len {
                    return Err("ssh: malformed ecdsa key".into());
                }
                let mut v = vec![0u8; len - scalar.len()];
                v.extend_from_slice(scalar);
                Ok(v)
            };
            let bad = |e: p256::elliptic_curve::Error| e.to_string();
            match key_type {
                b"ecdsa-sha2-nistp256" => p256::SecretKey::from_slice(&pad(32)?).map(PrivateKey::P256).map_err(bad),
                b"ecdsa-sha2-nistp384" => p384::SecretKey::from_slice(&pad(48)?).map(PrivateKey::P384).map_err(bad),
                _ => p521::SecretKey::from_slice(&pad(66)?).map(PrivateKey::P521).map_err(bad),
            }
        }
        other => Err(format!("ssh: unhandled key type {:?}", String::from_utf8_lossy(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_space_like_go() {
        assert_eq!(go_trim_space(b" \tab\n"), b"ab");
        assert_eq!(go_trim_space(&[0x30, 0x82, 0x20]), &[0x30, 0x82]);
        assert_eq!(go_trim_space(&[0x30, 0xc2, 0xa0]), &[0x30]);
        assert_eq!(hash_for_state(b""), "");
    }

    #[test]
    fn openssh_round_trip() {
        for (alg, curve) in [("ECDSA", "P256"), ("ECDSA", "P384"), ("ECDSA", "P521"), ("ED25519", "")] {
            let k = PrivateKey::generate(alg, 0, curve).unwrap();
            let text = k.to_openssh().unwrap();
            let back = PrivateKey::from_openssh(&text).unwrap();
            assert_eq!(back.spki_der().unwrap(), k.spki_der().unwrap());
            let pem_back = PrivateKey::from_pem(&k.to_pem().unwrap()).unwrap();
            assert_eq!(pem_back.spki_der().unwrap(), k.spki_der().unwrap());
            let p8_back = PrivateKey::from_pem(&k.to_pkcs8_pem().unwrap()).unwrap();
            assert_eq!(p8_back.spki_der().unwrap(), k.spki_der().unwrap());
        }
        let p224 = PrivateKey::generate("ECDSA", 0, "P224").unwrap();
        assert_eq!(p224.to_openssh().unwrap(), "");
        assert!(matches!(PrivateKey::generate("ECDSA", 0, "P999"), Err(KeyError::InvalidCurve)));
    }
}
