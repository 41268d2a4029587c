//! The built-in `tls` provider, compatible with `hashicorp/tls`: private keys, certificate
//! requests, self-signed and locally signed certificates, and the `tls_public_key` and
//! `tls_certificate` data sources.
//!
//! Everything is computed locally (no remote API) except `data "tls_certificate"` with `url`,
//! which performs a TLS handshake. Names, defaults, force-new behaviour and results follow
//! HashiCorp's provider; certificates are built field by field as Go's `crypto/x509` builds
//! them (see [`x509`]), so they verify with OpenSSL and look the same.
//!
//! Keys and certificates exist only in state, so after a crash a create that never reported its
//! outcome left nothing to adopt: `recover_by_token` answers `Absent` and the next apply creates
//! it.
//!
//! Start reading at [`factory`], then [`TlsProvider`]'s `plan_resource` (PEM-aware replacement
//! and certificate renewal) and `apply_resource`.

pub mod der;
pub mod fetch;
pub mod keys;
pub mod pem;
pub mod x509;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use infra_provider_sdk::plan::{differs, plan_from_schema};
use infra_provider_sdk::schema::{Attribute, Block, NestedBlock, Nesting, ProviderSchema, ResourceSchema};
use infra_provider_sdk::{
    ApplyResourceRequest, ApplyResourceResponse, AttrPath, Diagnostic, Diagnostics, PathStep, PlanResourceRequest,
    PlanResourceResponse, Provider, ProviderFactory, ReadDataSourceRequest, ReadDataSourceResponse, ReadResourceRequest,
    ReadResourceResponse, Type, ValidateResourceRequest, Value,
};

use crate::keys::PrivateKey;
use crate::x509::{CertOptions, Failure, Issuer, Name, Sans, SubjectKey};

/// The compiled-in `tls` provider.
pub fn factory() -> ProviderFactory {
    ProviderFactory { name: "tls", source: "hashicorp/tls", new: || Arc::new(TlsProvider::default()) }
}

/// The `tls` provider. `now` is overridable so tests can move time forward for renewal (as
/// HashiCorp's `overridableTimeFunc`).
pub struct TlsProvider {
    now: fn() -> DateTime<Utc>,
}

impl Default for TlsProvider {
    fn default() -> TlsProvider {
        TlsProvider { now: Utc::now }
    }
}

impl TlsProvider {
    /// A provider whose clock is `now` (for tests of certificate renewal).
    pub fn with_clock(now: fn() -> DateTime<Utc>) -> TlsProvider {
        TlsProvider { now }
    }
}

const PRIVATE_KEY: &str = "tls_private_key";
const SELF_SIGNED_CERT: &str = "tls_self_signed_cert";
const LOCALLY_SIGNED_CERT: &str = "tls_locally_signed_cert";
const CERT_REQUEST: &str = "tls_cert_request";
const PUBLIC_KEY: &str = "tls_public_key";
const CERTIFICATE: &str = "tls_certificate";

// ----- schema -----

fn s() -> Type {
    Type::String
}
fn list_s() -> Type {
    Type::list(Type::String)
}

fn subject_block() -> NestedBlock {
    let mut b = Block::new();
    for (name, desc) in [
        ("organization", "Distinguished name: `O`"),
        ("common_name", "Distinguished name: `CN`"),
        ("organizational_unit", "Distinguished name: `OU`"),
        ("locality", "Distinguished name: `L`"),
        ("province", "Distinguished name: `ST`"),
        ("country", "Distinguished name: `C`"),
        ("postal_code", "Distinguished name: `PC`"),
        ("serial_number", "Distinguished name: `SERIALNUMBER`"),
        ("email_address", "ASN.1 Object Identifier (OID): `1.2.840.113549.1.9.1`"),
    ] {
        b = b.attr(name, Attribute::optional(s()).force_new().describe(desc));
    }
    b = b.attr("street_address", Attribute::optional(list_s()).force_new().describe("Distinguished name: `STREET`"));
    b.description = "The subject for which a certificate is being requested.".into();
    NestedBlock { nesting: Nesting::List, block: b, min_items: 0, max_items: 1, force_new: true }
}

fn san_attrs(b: Block) -> Block {
    b.attr("dns_names", Attribute::optional(list_s()).force_new().describe("List of DNS names for which a certificate is being requested."))
        .attr("ip_addresses", Attribute::optional(list_s()).force_new().describe("List of IP addresses for which a certificate is being requested."))
        .attr("uris", Attribute::optional(list_s()).force_new().describe("List of URIs for which a certificate is being requested."))
}

/// Arguments and results shared by the two certificate resources.
fn cert_common(b: Block) -> Block {
    b.attr(
        "validity_period_hours",
        Attribute::required(Type::Number).force_new().describe("Number of hours, after initial issuing, that the certificate will remain valid for."),
    )
    .attr("allowed_uses", Attribute::required(list_s()).force_new().describe("List of key usages allowed for the issued certificate."))
    .attr(
        "early_renewal_hours",
        Attribute::optional_computed(Type::Number)
            .with_default(Value::from_i64(0))
            .describe("The resource will consider the certificate to have expired the given number of hours before its actual expiry time."),
    )
    .attr(
        "is_ca_certificate",
        Attribute::optional_computed(Type::Bool).force_new().with_default(Value::bool(false)).describe("Is the generated certificate representing a Certificate Authority (CA)."),
    )
    .attr(
        "max_path_length",
        Attribute::optional_computed(Type::Number).force_new().describe("Maximum number of intermediate certificates that may follow this certificate in a valid certification path."),
    )
    .attr(
        "set_subject_key_id",
        Attribute::optional_computed(Type::Bool).force_new().with_default(Value::bool(false)).describe("Should the generated certificate include a subject key identifier."),
    )
    .attr("cert_pem", Attribute::computed(s()).describe("Certificate data in PEM (RFC 1421) format."))
    .attr(
        "ready_for_renewal",
        Attribute::computed(Type::Bool).with_default(Value::bool(false)).describe("Is the certificate either expired or ready for an early renewal?"),
    )
    .attr("validity_start_time", Attribute::computed(s()).describe("The time after which the certificate is valid, as an RFC3339 timestamp."))
    .attr("validity_end_time", Attribute::computed(s()).describe("The time until which the certificate is invalid, as an RFC3339 timestamp."))
}

fn public_key_results(b: Block) -> Block {
    b.attr("public_key_pem", Attribute::computed(s()).describe("Public key data in PEM (RFC 1421) format."))
        .attr("public_key_openssh", Attribute::computed(s()).describe("The public key data in \"Authorized Keys\" format."))
        .attr("public_key_fingerprint_md5", Attribute::computed(s()).describe("The fingerprint of the public key data in OpenSSH MD5 hash format."))
        .attr("public_key_fingerprint_sha256", Attribute::computed(s()).describe("The fingerprint of the public key data in OpenSSH SHA256 hash format."))
        .attr("id", Attribute::computed(s()).describe("Unique identifier: hexadecimal representation of the SHA1 checksum of the public key."))
}

fn certificate_object_type() -> Type {
    let mut attrs = BTreeMap::new();
    for n in ["signature_algorithm", "public_key_algorithm", "serial_number", "issuer", "subject", "not_before", "not_after", "sha1_fingerprint", "cert_pem"] {
        attrs.insert(n.to_string(), Type::String);
    }
    attrs.insert("is_ca".into(), Type::Bool);
    attrs.insert("max_path_length".into(), Type::Number);
    attrs.insert("version".into(), Type::Number);
    Type::object(attrs)
}

fn provider_schema() -> Arc<ProviderSchema> {
    static SCHEMA: OnceLock<Arc<ProviderSchema>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            // Keys and certificates exist only in state.
            let mut schema = ProviderSchema { state_only: true, ..ProviderSchema::default() };
            let proxy = Block::new()
                .attr("url", Attribute::optional(s()).describe("URL used to connect to the Proxy."))
                .attr("username", Attribute::optional(s()).describe("Username used for Basic authentication against the Proxy."))
                .attr("password", Attribute::optional(s()).sensitive().describe("Password used for Basic authentication against the Proxy."))
                .attr("from_env", Attribute::optional(Type::Bool).describe("When `true` the provider will discover the proxy configuration from environment variables."));
            schema.provider = Block::new().block("proxy", NestedBlock { nesting: Nesting::List, block: proxy, min_items: 0, max_items: 1, force_new: false });

            let private_key = public_key_results(
                Block::new()
                    .attr("algorithm", Attribute::required(s()).force_new().describe("Name of the algorithm to use when generating the private key: `RSA`, `ECDSA`, `ED25519`."))
                    .attr("rsa_bits", Attribute::optional_computed(Type::Number).force_new().with_default(Value::from_i64(2048)).describe("When `algorithm` is `RSA`, the size of the generated RSA key, in bits (default: `2048`)."))
                    .attr("ecdsa_curve", Attribute::optional_computed(s()).force_new().with_default(Value::string("P224")).describe("When `algorithm` is `ECDSA`, the name of the elliptic curve to use: `P224`, `P256`, `P384`, `P521` (default: `P224`)."))
                    .attr("private_key_pem", Attribute::computed(s()).sensitive().describe("Private key data in PEM (RFC 1421) format."))
                    .attr("private_key_openssh", Attribute::computed(s()).sensitive().describe("Private key data in OpenSSH PEM (RFC 4716) format."))
                    .attr("private_key_pem_pkcs8", Attribute::computed(s()).sensitive().describe("Private key data in PKCS#8 PEM (RFC 5208) format.")),
            );
            schema.resources.insert(PRIVATE_KEY.into(), ResourceSchema { version: 1, block: private_key, importable: false });

            // PEM arguments are not `force_new` in the schema: `plan_resource` replaces only
            // when the prior value is a PEM string, as HashiCorp's provider.
            let self_signed = cert_common(san_attrs(Block::new()))
                .attr("private_key_pem", Attribute::required(s()).sensitive().describe("Private key in PEM (RFC 1421) format, that the certificate will belong to."))
                .attr("set_authority_key_id", Attribute::optional_computed(Type::Bool).force_new().with_default(Value::bool(false)).describe("Should the generated certificate include an authority key identifier."))
                .attr("key_algorithm", Attribute::computed(s()).describe("Name of the algorithm used when generating the private key provided in `private_key_pem`."))
                .attr("id", Attribute::computed(s()).describe("Unique identifier for this resource: the certificate serial number."))
                .block("subject", subject_block());
            schema.resources.insert(SELF_SIGNED_CERT.into(), ResourceSchema { version: 0, block: self_signed, importable: false });

            let locally_signed = cert_common(Block::new())
                .attr("ca_cert_pem", Attribute::required(s()).describe("Certificate data of the Certificate Authority (CA) in PEM (RFC 1421) format."))
                .attr("ca_private_key_pem", Attribute::required(s()).sensitive().describe("Private key of the Certificate Authority (CA) used to sign the certificate, in PEM (RFC 1421) format."))
                .attr("cert_request_pem", Attribute::required(s()).describe("Certificate request data in PEM (RFC 1421) format."))
                .attr("ca_key_algorithm", Attribute::computed(s()).describe("Name of the algorithm used when generating the private key provided in `ca_private_key_pem`."))
                .attr("id", Attribute::computed(s()).describe("Unique identifier for this resource: the certificate serial number."));
            schema.resources.insert(LOCALLY_SIGNED_CERT.into(), ResourceSchema { version: 0, block: locally_signed, importable: false });

            let cert_request = san_attrs(Block::new())
                .attr("private_key_pem", Attribute::required(s()).sensitive().describe("Private key in PEM (RFC 1421) format, that the certificate will belong to."))
                .attr("key_algorithm", Attribute::computed(s()).describe("Name of the algorithm used when generating the private key provided in `private_key_pem`."))
                .attr("cert_request_pem", Attribute::computed(s()).describe("The certificate request data in PEM (RFC 1421) format."))
                .attr("id", Attribute::computed(s()).describe("Unique identifier for this resource: hexadecimal representation of the SHA1 checksum of the resource."))
                .block("subject", subject_block());
            schema.resources.insert(CERT_REQUEST.into(), ResourceSchema { version: 0, block: cert_request, importable: false });

            let public_key = public_key_results(
                Block::new()
                    .attr("private_key_pem", Attribute::optional(s()).sensitive().describe("The private key (in PEM (RFC 1421) format) to extract the public key from."))
                    .attr("private_key_openssh", Attribute::optional(s()).sensitive().describe("The private key (in OpenSSH PEM (RFC 4716) format) to extract the public key from."))
                    .attr("algorithm", Attribute::computed(s()).describe("The name of the algorithm used by the given private key.")),
            );
            schema.data_sources.insert(PUBLIC_KEY.into(), ResourceSchema { version: 0, block: public_key, importable: false });

            let certificate = Block::new()
                .attr("url", Attribute::optional(s()).describe("URL of the endpoint to get the certificates from: `https://` or `tls://`."))
                .attr("content", Attribute::optional(s()).describe("The content of the certificate in PEM format."))
                .attr("verify_chain", Attribute::optional(Type::Bool).describe("Whether to verify the certificate chain while parsing it or not (default: `true`)."))
                .attr("id", Attribute::computed(s()).describe("Unique identifier of this data source: hashing of the certificates in the chain."))
                .attr("certificates", Attribute::computed(Type::list(certificate_object_type())).describe("The certificates protecting the site, with the root of the chain first."));
            schema.data_sources.insert(CERTIFICATE.into(), ResourceSchema { version: 0, block: certificate, importable: false });
            Arc::new(schema)
        })
        .clone()
}

// ----- value helpers -----

fn get<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get_attr(name).filter(|v| v.is_known() && !v.is_null())
}
fn get_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    get(v, name).and_then(Value::as_str)
}
fn get_i64(v: &Value, name: &str) -> Option<i64> {
    get(v, name).and_then(Value::as_number).and_then(|n| n.to_i64())
}
fn get_bool(v: &Value, name: &str) -> bool {
    get(v, name).and_then(Value::as_bool).unwrap_or(false)
}
fn get_strings(v: &Value, name: &str) -> Vec<String> {
    get(v, name)
        .and_then(Value::as_elements)
        .map(|es| es.iter().filter_map(|e| e.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn with_attrs(base: &Value, updates: impl IntoIterator<Item = (String, Value)>) -> Value {
    let mut m = base.as_entries().cloned().unwrap_or_default();
    m.extend(updates);
    Value::object(m).mark(base.marks())
}

/// Replaces unknown top-level attributes with nulls: what remains unknown after apply was not
/// set (e.g. `max_path_length` left to the provider).
fn unknowns_to_null(v: &Value) -> Value {
    let Some(entries) = v.as_entries() else { return v.clone() };
    let m = entries.iter().map(|(k, e)| (k.clone(), if e.is_known() { e.clone() } else { Value::null(e.ty()) })).collect();
    Value::object(m).mark(v.marks())
}

fn failure(f: Failure) -> Diagnostic {
    Diagnostic::error(f.summary, f.detail)
}

/// HashiCorp's `requireReplaceIfStateContainsPEMString` test: the prior value is one PEM block.
fn is_pem_string(s: &str) -> bool {
    let Some(body) = s.strip_prefix("-----BEGIN ") else { return false };
    let Some(label_end) = body.find("-----\n") else { return false };
    let label = &body[..label_end];
    if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
        return false;
    }
    let trimmed = s.strip_suffix('\n').unwrap_or(s);
    let Some(end_pos) = trimmed.rfind("\n-----END ") else { return false };
    let end_label = &trimmed[end_pos + "\n-----END ".len()..];
    let Some(end_label) = end_label.strip_suffix("-----") else { return false };
    !end_label.is_empty() && end_label.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') && end_pos > label_end + 16
}

fn pem_arguments(type_name: &str) -> &'static [&'static str] {
    match type_name {
        SELF_SIGNED_CERT | CERT_REQUEST => &["private_key_pem"],
        LOCALLY_SIGNED_CERT => &["ca_cert_pem", "ca_private_key_pem", "cert_request_pem"],
        _ => &[],
    }
}

/// The subject block's attributes, or an empty name when the block is absent.
fn subject_from(v: &Value) -> Name {
    let Some(first) = get(v, "subject").and_then(Value::as_elements).and_then(|es| es.first()) else {
        return Name::default();
    };
    let one = |n: &str| get_str(first, n).map(|s| vec![s.to_string()]).unwrap_or_default();
    Name {
        common_name: get_str(first, "common_name").unwrap_or("").to_string(),
        serial_number: get_str(first, "serial_number").unwrap_or("").to_string(),
        organization: one("organization"),
        organizational_unit: one("organizational_unit"),
        locality: one("locality"),
        province: one("province"),
        country: one("country"),
        postal_code: one("postal_code"),
        street_address: get_strings(first, "street_address"),
        email_address: get_str(first, "email_address").map(str::to_string),
        names: Vec::new(),
    }
}

fn sans_from(v: &Value) -> Result<Sans, Diagnostic> {
    let mut sans = Sans { dns_names: get_strings(v, "dns_names"), ..Sans::default() };
    for ip in get_strings(v, "ip_addresses") {
        let parsed: IpAddr =
            ip.parse().map_err(|_| Diagnostic::error("Invalid IP address", format!("Failed to parse {ip:?}")))?;
        sans.ip_addresses.push(parsed);
    }
    for uri in get_strings(v, "uris") {
        if uri.is_empty() || uri.chars().any(|c| c.is_control() || c == ' ') || uri.starts_with(':') {
            return Err(Diagnostic::error("Invalid URI", format!("Failed to parse {uri:?}: invalid URI")));
        }
        sans.uris.push(uri);
    }
    Ok(sans)
}

fn cert_options(v: &Value, self_signed: bool) -> CertOptions {
    CertOptions {
        validity_period_hours: get_i64(v, "validity_period_hours").unwrap_or(0),
        allowed_uses: get_strings(v, "allowed_uses"),
        is_ca: get_bool(v, "is_ca_certificate"),
        max_path_length: get_i64(v, "max_path_length"),
        set_subject_key_id: get_bool(v, "set_subject_key_id"),
        set_authority_key_id: self_signed && get_bool(v, "set_authority_key_id"),
    }
}

/// Whether a certificate is due: now ≥ `validity_end_time` − `early_renewal_hours`.
fn due_for_renewal(v: &Value, now: DateTime<Utc>) -> Result<bool, Diagnostic> {
    let Some(end) = get_str(v, "validity_end_time") else { return Ok(false) };
    let end = DateTime::parse_from_rfc3339(end)
        .map_err(|e| Diagnostic::error(format!("Failed to parse data from string: {end}"), e.to_string()))?;
    let early = get_i64(v, "early_renewal_hours").unwrap_or(0);
    Ok(now >= end.with_timezone(&Utc) - chrono::Duration::hours(early))
}

// ----- operations -----

impl TlsProvider {
    fn create_private_key(&self, planned: &Value) -> Result<Value, Diagnostic> {
        let algorithm = get_str(planned, "algorithm").unwrap_or("");
        if !keys::ALGORITHMS.contains(&algorithm) {
            return Err(Diagnostic::error("Invalid Key Algorithm", format!("Key Algorithm {algorithm:?} is not supported")));
        }
        let key = PrivateKey::generate(algorithm, get_i64(planned, "rsa_bits").unwrap_or(2048), get_str(planned, "ecdsa_curve").unwrap_or("P224"))
            .map_err(|e| Diagnostic::error("Unable to generate Key from configuration", e.to_string()))?;
        let enc = |e: keys::KeyError| Diagnostic::error("Unable to encode key to PEM", e.to_string());
        let mut updates = vec![
            ("private_key_pem".to_string(), Value::string(key.to_pem().map_err(enc)?)),
            ("private_key_pem_pkcs8".to_string(), Value::string(key.to_pkcs8_pem().map_err(enc)?)),
            ("private_key_openssh".to_string(), Value::string(key.to_openssh().map_err(enc)?)),
        ];
        updates.extend(public_key_updates(&key)?);
        Ok(with_attrs(planned, updates))
    }

    fn create_cert_request(&self, planned: &Value) -> Result<Value, Diagnostic> {
        let key = PrivateKey::from_pem(get_str(planned, "private_key_pem").unwrap_or(""))
            .map_err(|e| Diagnostic::error("Failed to parse private key PEM", e.to_string()))?;
        let sans = sans_from(planned)?;
        let der_bytes = x509::create_certificate_request(&subject_from(planned), &sans, &key).map_err(failure)?;
        Ok(with_attrs(
            planned,
            [
                ("key_algorithm".to_string(), Value::string(key.algorithm())),
                ("cert_request_pem".to_string(), Value::string(pem::encode("CERTIFICATE REQUEST", &der_bytes))),
                ("id".to_string(), Value::string(keys::hash_for_state(&der_bytes))),
            ],
        ))
    }

    fn create_self_signed(&self, planned: &Value) -> Result<Value, Diagnostic> {
        let key = PrivateKey::from_pem(get_str(planned, "private_key_pem").unwrap_or(""))
            .map_err(|e| Diagnostic::error("Failed to parse private key PEM", e.to_string()))?;
        let sans = sans_from(planned)?;
        let pk_err = |e: keys::KeyError| Diagnostic::error("Failed to get public key from private key", e.to_string());
        let subject_key = SubjectKey { spki_der: key.spki_der().map_err(pk_err)?, subject_key_id: key.subject_key_id().map_err(pk_err)? };
        let issuer = Issuer { key: &key, raw_subject: None, subject_key_id: None };
        let cert = x509::create_certificate(&subject_from(planned), &sans, &subject_key, &issuer, &cert_options(planned, true), (self.now)())
            .map_err(failure)?;
        Ok(unknowns_to_null(&with_attrs(
            planned,
            [
                ("key_algorithm".to_string(), Value::string(key.algorithm())),
                ("id".to_string(), Value::string(cert.id)),
                ("cert_pem".to_string(), Value::string(cert.cert_pem)),
                ("validity_start_time".to_string(), Value::string(cert.validity_start_time)),
                ("validity_end_time".to_string(), Value::string(cert.validity_end_time)),
            ],
        )))
    }

    fn create_locally_signed(&self, planned: &Value) -> Result<(Value, Diagnostics), Diagnostic> {
        let mut diags = Diagnostics::new();
        let csr_block = decode_pem_of(get_str(planned, "cert_request_pem").unwrap_or(""), "CERTIFICATE REQUEST")
            .map_err(|e| Diagnostic::error("Failed to parse certificate request PEM", e))?;
        let csr = x509::parse_certificate_request(&csr_block)
            .map_err(|e| Diagnostic::error("Failed to parse certificate request PEM", format!("failed to parse certificate request: {e}")))?;
        let ca_key = PrivateKey::from_pem(get_str(planned, "ca_private_key_pem").unwrap_or(""))
            .map_err(|e| Diagnostic::error("Failed to parse CA private key PEM", e.to_string()))?;
        let ca_block = decode_pem_of(get_str(planned, "ca_cert_pem").unwrap_or(""), "CERTIFICATE")
            .map_err(|e| Diagnostic::error("Failed to parse CA certificate PEM", e))?;
        let ca = x509::parse_certificate(&ca_block)
            .map_err(|e| Diagnostic::error("Failed to parse CA certificate PEM", format!("failed to parse certificate: {e}")))?;
        if !ca.is_ca {
            diags.push(Diagnostic::warning(
                "Potentially Invalid Certificate Authority",
                "Certificate provided as Authority does not appear to be a valid Certificate Authority. The resulting certificate might fail certificate validation.",
            ));
        }
        // Go refuses to sign with a key that does not belong to the parent certificate.
        let ca_key_spki = ca_key.spki_der().map_err(|e| Diagnostic::error("Failed to create certificate", e.to_string()))?;
        let ca_key_bits = x509::parse_spki_der(&ca_key_spki).map(|s| s.key_bits).unwrap_or_default();
        if ca_key_bits != ca.spki.key_bits {
            return Err(Diagnostic::error("Failed to create certificate", "x509: provided PrivateKey doesn't match parent's PublicKey"));
        }
        let subject_key = SubjectKey { spki_der: csr.spki.raw.clone(), subject_key_id: csr.spki.subject_key_id() };
        let issuer = Issuer { key: &ca_key, raw_subject: Some(ca.raw_subject.clone()), subject_key_id: ca.subject_key_id.clone() };
        // Go re-encodes the CSR's subject from its standard fields only.
        let subject = Name { names: Vec::new(), email_address: None, ..csr.subject.clone() };
        let cert = x509::create_certificate(&subject, &csr.sans, &subject_key, &issuer, &cert_options(planned, false), (self.now)())
            .map_err(failure)?;
        let state = unknowns_to_null(&with_attrs(
            planned,
            [
                ("ca_key_algorithm".to_string(), Value::string(ca_key.algorithm())),
                ("id".to_string(), Value::string(cert.id)),
                ("cert_pem".to_string(), Value::string(cert.cert_pem)),
                ("validity_start_time".to_string(), Value::string(cert.validity_start_time)),
                ("validity_end_time".to_string(), Value::string(cert.validity_end_time)),
            ],
        ));
        Ok((state, diags))
    }

    fn read_public_key(&self, config: &Value) -> Result<Value, Diagnostic> {
        let (pem_arg, ssh_arg) = (get_str(config, "private_key_pem"), get_str(config, "private_key_openssh"));
        let key = match (pem_arg, ssh_arg) {
            (Some(p), None) => PrivateKey::from_pem(p),
            (None, Some(o)) => PrivateKey::from_openssh(o),
            (a, _) => {
                let detail = if a.is_some() {
                    "2 attributes specified when one (and only one) of [private_key_pem,private_key_openssh] are required"
                } else {
                    "No attribute specified when one (and only one) of [private_key_pem,private_key_openssh] is required"
                };
                return Err(Diagnostic::error("Invalid Attribute Combination", detail));
            }
        }
        .map_err(|e| Diagnostic::error("Unable to parse private key", e.to_string()))?;
        let mut updates = vec![("algorithm".to_string(), Value::string(key.algorithm()))];
        updates.extend(public_key_updates(&key)?);
        Ok(with_attrs(config, updates))
    }

    async fn read_certificate(&self, config: &Value) -> Result<Value, Diagnostic> {
        let (url, content) = (get_str(config, "url"), get_str(config, "content"));
        let combination = |detail: &str| Diagnostic::error("Invalid Attribute Combination", detail);
        let certs: Vec<x509::Certificate> = match (url, content) {
            (None, None) => return Err(combination("No attribute specified when one (and only one) of [content,url] is required")),
            (Some(_), Some(_)) => return Err(combination("2 attributes specified when one (and only one) of [content,url] are required")),
            (None, Some(content)) => {
                if get(config, "verify_chain").is_some() {
                    return Err(combination("Attribute \"content\" cannot be specified when \"verify_chain\" is specified"));
                }
                let Some(block) = pem::decode(content) else {
                    return Err(Diagnostic::error("Failed to decoded PEM", "Value is not a valid PEM encoding of a certificate")
                        .with_attr_path(AttrPath::attr("content")));
                };
                if !["PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "CERTIFICATE", "CERTIFICATE REQUEST"].contains(&block.label.as_str()) {
                    return Err(Diagnostic::error("Failed to identify PEM preamble", format!("unsupported PEM preamble/type: {}", block.label)));
                }
                if block.label != "CERTIFICATE" {
                    return Err(Diagnostic::error("Unexpected PEM preamble", format!("Certificate PEM should be \"CERTIFICATE\", got {:?}", block.label)));
                }
                vec![x509::parse_certificate(&block.der).map_err(|e| Diagnostic::error("Unable to parse certificate", e.to_string()))?]
            }
            (Some(url), None) => {
                let target = fetch::parse_url(url).map_err(|e| Diagnostic::error("Invalid URL", e).with_attr_path(AttrPath::attr("url")))?;
                let port = match (target.scheme.as_str(), target.port) {
                    ("https", p) => p.unwrap_or(443),
                    ("tls", Some(p)) => p,
                    ("tls", None) => return Err(Diagnostic::error("URL malformed", format!("Port missing from URL: {url}"))),
                    (other, _) => {
                        return Err(Diagnostic::error(
                            "Invalid URL scheme",
                            format!("URL {url:?} expected to use scheme from [\"https\" \"tls\"], got: {other:?}"),
                        )
                        .with_attr_path(AttrPath::attr("url")))
                    }
                };
                let verify = get(config, "verify_chain").and_then(Value::as_bool).unwrap_or(true);
                let host = target.host.clone();
                let fetched = tokio::task::spawn_blocking(move || fetch::peer_certificates(&host, port, verify))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r)
                    .map_err(|e| Diagnostic::error("Failed to identify fetch peer certificates", e))?;
                let mut parsed = Vec::new();
                for der_bytes in fetched.iter().rev() {
                    parsed.push(x509::parse_certificate(der_bytes).map_err(|e| Diagnostic::error("Unable to parse certificate", e.to_string()))?);
                }
                parsed
            }
        };
        let objects: Vec<Value> = certs.iter().map(certificate_object).collect();
        let id = keys::hash_for_state(go_format_certs(&certs).as_bytes());
        let mut updates = vec![
            ("certificates".to_string(), Value::list(certificate_object_type(), objects)),
            ("id".to_string(), Value::string(id)),
        ];
        // HashiCorp's provider records the default of `verify_chain` in the result.
        if get(config, "verify_chain").is_none() {
            updates.push(("verify_chain".to_string(), Value::bool(true)));
        }
        Ok(with_attrs(config, updates))
    }
}

fn public_key_updates(key: &PrivateKey) -> Result<Vec<(String, Value)>, Diagnostic> {
    let attrs = key.public_key_attributes().map_err(|e| Diagnostic::error("Failed to marshal public key", e.to_string()))?;
    Ok(attrs.into_iter().map(|(k, v)| (k.to_string(), Value::string(v))).collect())
}

/// Decodes the first PEM block and checks its label, with HashiCorp's messages.
fn decode_pem_of(text: &str, label: &str) -> Result<Vec<u8>, String> {
    let block = pem::decode(text).ok_or_else(|| format!("failed to decode PEM of expected type {label:?} from bytes"))?;
    if block.label != label {
        return Err(format!("invalid PEM type - expected {label:?}, got {:?}", block.label));
    }
    Ok(block.der)
}

fn certificate_object(c: &x509::Certificate) -> Value {
    let mut m = BTreeMap::new();
    let sv = |s: &str| Value::string(s);
    m.insert("signature_algorithm".to_string(), sv(&c.signature_algorithm));
    m.insert("public_key_algorithm".to_string(), sv(c.public_key_algorithm()));
    m.insert("serial_number".to_string(), sv(&c.serial_string()));
    m.insert("is_ca".to_string(), Value::bool(c.is_ca));
    m.insert("max_path_length".to_string(), Value::from_i64(c.max_path_len));
    m.insert("version".to_string(), Value::from_i64(c.version));
    m.insert("issuer".to_string(), sv(&c.issuer.to_go_string()));
    m.insert("subject".to_string(), sv(&c.subject.to_go_string()));
    m.insert("not_before".to_string(), sv(&c.not_before.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
    m.insert("not_after".to_string(), sv(&c.not_after.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
    m.insert("sha1_fingerprint".to_string(), sv(&hex::encode(<sha1::Sha1 as sha1::Digest>::digest(&c.raw))));
    m.insert("cert_pem".to_string(), sv(&c.to_pem()));
    Value::object(m)
}

/// Go's `%q`: a double-quoted string with Go escapes.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `fmt.Sprintf("%v", certs)` over HashiCorp's `CertificateModel` slice, which the data
/// source hashes into its `id`.
fn go_format_certs(certs: &[x509::Certificate]) -> String {
    let items: Vec<String> = certs
        .iter()
        .map(|c| {
            format!(
                "{{{} {} {} {} {} {} {} {} {} {} {} {}}}",
                go_quote(&c.signature_algorithm),
                go_quote(c.public_key_algorithm()),
                go_quote(&c.serial_string()),
                c.is_ca,
                c.max_path_len,
                c.version,
                go_quote(&c.issuer.to_go_string()),
                go_quote(&c.subject.to_go_string()),
                go_quote(&c.not_before.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                go_quote(&c.not_after.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                go_quote(&hex::encode(<sha1::Sha1 as sha1::Digest>::digest(&c.raw))),
                go_quote(&c.to_pem()),
            )
        })
        .collect();
    format!("[{}]", items.join(" "))
}

// ----- validation -----

fn one_of(diags: &mut Diagnostics, path: AttrPath, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        let list: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
        diags.push(
            Diagnostic::error(
                "Invalid Attribute Value Match",
                format!("Attribute {path} value must be one of: [{}], got: {value:?}", list.join(" ")),
            )
            .with_attr_path(path),
        );
    }
}

fn at_least(diags: &mut Diagnostics, v: &Value, name: &str, min: i64) {
    if let Some(n) = get_i64(v, name) {
        if n < min {
            diags.push(
                Diagnostic::error("Invalid Attribute Value", format!("Attribute {name} value must be at least {min}, got: {n}"))
                    .with_attr_path(AttrPath::attr(name)),
            );
        }
    }
}

fn non_empty_elements(diags: &mut Diagnostics, v: &Value, name: &str) {
    if let Some(es) = get(v, name).and_then(Value::as_elements) {
        for (i, e) in es.iter().enumerate() {
            if e.as_str() == Some("") {
                let path = AttrPath::attr(name).child(PathStep::Index(i as i64));
                diags.push(
                    Diagnostic::error("Invalid Attribute Value Length", format!("Attribute {path} string length must be at least 1, got: 0"))
                        .with_attr_path(path),
                );
            }
        }
    }
}

#[async_trait]
impl Provider for TlsProvider {
    fn schema(&self) -> Arc<ProviderSchema> {
        provider_schema()
    }

    fn validate_resource(&self, req: &ValidateResourceRequest) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let c = &req.config;
        match req.type_name.as_str() {
            PRIVATE_KEY => {
                if let Some(a) = get_str(c, "algorithm") {
                    one_of(&mut diags, AttrPath::attr("algorithm"), a, &keys::ALGORITHMS);
                }
                if let Some(curve) = get_str(c, "ecdsa_curve") {
                    one_of(&mut diags, AttrPath::attr("ecdsa_curve"), curve, &keys::CURVES);
                }
            }
            SELF_SIGNED_CERT | LOCALLY_SIGNED_CERT | CERT_REQUEST => {
                if req.type_name != CERT_REQUEST {
                    let supported = x509::supported_key_usages();
                    if let Some(es) = get(c, "allowed_uses").and_then(Value::as_elements) {
                        for (i, e) in es.iter().enumerate() {
                            if let Some(u) = e.as_str() {
                                one_of(&mut diags, AttrPath::attr("allowed_uses").child(PathStep::Index(i as i64)), u, &supported);
                            }
                        }
                    }
                    at_least(&mut diags, c, "validity_period_hours", 0);
                    at_least(&mut diags, c, "early_renewal_hours", 0);
                    at_least(&mut diags, c, "max_path_length", -1);
                }
                non_empty_elements(&mut diags, c, "ip_addresses");
                non_empty_elements(&mut diags, c, "uris");
                if let Some(n) = get(c, "subject").and_then(Value::len) {
                    if n > 1 {
                        diags.push(
                            Diagnostic::error(
                                "Invalid Attribute Value",
                                format!("Attribute subject list must contain at least 0 elements and at most 1 elements, got: {n}"),
                            )
                            .with_attr_path(AttrPath::attr("subject")),
                        );
                    }
                }
            }
            _ => {}
        }
        diags
    }

    async fn plan_resource(&self, req: PlanResourceRequest) -> PlanResourceResponse {
        let schema = self.schema();
        let Some(rs) = schema.resources.get(&req.type_name) else {
            return PlanResourceResponse::error(Diagnostic::error(
                "Unsupported resource type",
                format!("This provider does not support the type {:?}.", req.type_name),
            ));
        };
        let mut resp = plan_from_schema(&rs.block, &req);
        let Some(planned) = resp.planned_state.clone() else { return resp };
        if planned.is_null() {
            return resp;
        }
        let creating = req.prior_state.is_null();
        if !creating {
            for name in pem_arguments(&req.type_name) {
                let prior = req.prior_state.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null);
                let new = planned.get_attr(name).cloned().unwrap_or_else(Value::dynamic_null);
                if differs(&prior, &new) && prior.as_str().is_some_and(is_pem_string) {
                    resp.requires_replace.push(AttrPath::attr(*name));
                }
            }
        }
        if req.type_name == SELF_SIGNED_CERT || req.type_name == LOCALLY_SIGNED_CERT {
            // `ready_for_renewal` is recomputed on every plan (its default, then HashiCorp's
            // plan modifier), and a certificate due for renewal is replaced.
            let vph = get_i64(&planned, "validity_period_hours");
            let early = get(&planned, "early_renewal_hours").and_then(Value::as_number).and_then(|n| n.to_i64());
            let mut ready = Value::bool(false);
            if vph == Some(0) || matches!((early, vph), (Some(e), Some(v)) if e >= v) {
                ready = Value::bool(true);
            }
            if !creating {
                match due_for_renewal(&planned, (self.now)()) {
                    Ok(true) => {
                        ready = Value::unknown(Type::Bool);
                        resp.requires_replace.push(AttrPath::attr("ready_for_renewal"));
                    }
                    Ok(false) => {}
                    Err(d) => resp.diagnostics.push(d),
                }
            }
            resp.planned_state = Some(with_attrs(&planned, [("ready_for_renewal".to_string(), ready)]));
        }
        resp
    }

    async fn apply_resource(&self, req: ApplyResourceRequest) -> ApplyResourceResponse {
        let respond = |new_state: Value, diagnostics: Diagnostics| ApplyResourceResponse { new_state, private: Vec::new(), diagnostics };
        if req.planned_state.is_null() {
            // Nothing exists outside the state: deleting is forgetting.
            return respond(req.planned_state, Diagnostics::new());
        }
        if !req.prior_state.is_null() {
            // In-place updates (e.g. `early_renewal_hours`) only record the plan.
            return respond(unknowns_to_null(&req.planned_state), Diagnostics::new());
        }
        let null = Value::null(req.planned_state.ty());
        let result = match req.type_name.as_str() {
            PRIVATE_KEY => self.create_private_key(&req.planned_state).map(|v| (v, Diagnostics::new())),
            CERT_REQUEST => self.create_cert_request(&req.planned_state).map(|v| (v, Diagnostics::new())),
            SELF_SIGNED_CERT => self.create_self_signed(&req.planned_state).map(|v| (v, Diagnostics::new())),
            LOCALLY_SIGNED_CERT => self.create_locally_signed(&req.planned_state),
            other => Err(Diagnostic::error("Unsupported resource type", format!("This provider does not support the type {other:?}."))),
        };
        match result {
            Ok((state, diags)) => respond(state, diags),
            Err(d) => respond(null, d.into()),
        }
    }

    /// A create interrupted by a crash produced nothing to adopt: keys and certificates are computed in memory and exist only in state, and a create that
    /// never reported its outcome never reached state. The engine forgets the intent and plans
    /// the instance again.
    async fn recover_by_token(&self, _req: infra_provider_sdk::RecoverRequest) -> infra_provider_sdk::RecoverResponse {
        infra_provider_sdk::RecoverResponse::Absent
    }

    async fn read_resource(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        let mut state = req.current_state.clone();
        let mut diagnostics = Diagnostics::new();
        if !state.is_null() && (req.type_name == SELF_SIGNED_CERT || req.type_name == LOCALLY_SIGNED_CERT) {
            match due_for_renewal(&state, (self.now)()) {
                Ok(true) => state = with_attrs(&state, [("ready_for_renewal".to_string(), Value::bool(true))]),
                Ok(false) => {}
                Err(d) => diagnostics.push(d),
            }
        }
        ReadResourceResponse { new_state: state, private: req.private, diagnostics }
    }

    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let result = match req.type_name.as_str() {
            PUBLIC_KEY => self.read_public_key(&req.config),
            CERTIFICATE => self.read_certificate(&req.config).await,
            other => Err(Diagnostic::error("Unsupported data source type", format!("This provider does not support the data source {other:?}."))),
        };
        match result {
            Ok(state) => ReadDataSourceResponse { state, diagnostics: Diagnostics::new() },
            Err(d) => ReadDataSourceResponse { state: Value::dynamic_null(), diagnostics: d.into() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_string_detection() {
        let k = pem::encode("EC PRIVATE KEY", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        assert!(is_pem_string(&k));
        assert!(!is_pem_string("not a pem"));
        assert!(!is_pem_string("-----BEGIN X-----\n-----END X-----\n"));
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
