//! X.509 certificates and certificate requests: building them as Go's `crypto/x509` does for
//! HashiCorp's provider (extension order, criticality, name encoding), and parsing what users
//! hand us (CSRs, CA certificates, certificates to describe).

use std::net::IpAddr;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use sha1::Digest as _;
use thiserror::Error;

use crate::der::{self, DerError, Reader};
use crate::keys::PrivateKey;
use crate::pem;

#[derive(Debug, Error)]
pub enum X509Error {
    #[error("{0}")]
    Der(#[from] DerError),
    #[error("{0}")]
    Invalid(String),
}

/// A diagnostic-shaped failure: summary and detail as HashiCorp's provider reports them.
#[derive(Debug)]
pub struct Failure {
    pub summary: String,
    pub detail: String,
}

impl Failure {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Failure {
        Failure { summary: summary.into(), detail: detail.into() }
    }
}

const OID_COMMON_NAME: u64 = 3;
const OID_SERIAL_NUMBER: u64 = 5;
const OID_COUNTRY: u64 = 6;
const OID_LOCALITY: u64 = 7;
const OID_PROVINCE: u64 = 8;
const OID_STREET: u64 = 9;
const OID_ORGANIZATION: u64 = 10;
const OID_ORG_UNIT: u64 = 11;
const OID_POSTAL_CODE: u64 = 17;
const OID_EMAIL: &[u64] = &[1, 2, 840, 113549, 1, 9, 1];

/// A distinguished name with Go's `pkix.Name` fields. `names` keeps every parsed attribute in
/// order (Go's `Names`), which only `String()` uses; `email_address` is the one extra attribute
/// HashiCorp's provider can add.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    pub country: Vec<String>,
    pub organization: Vec<String>,
    pub organizational_unit: Vec<String>,
    pub locality: Vec<String>,
    pub province: Vec<String>,
    pub street_address: Vec<String>,
    pub postal_code: Vec<String>,
    pub serial_number: String,
    pub common_name: String,
    pub email_address: Option<String>,
    pub names: Vec<(String, String)>,
}

impl Name {
    /// True when the name has no attribute at all (Go's `cmp.Equal(name, pkix.Name{})`).
    pub fn is_empty(&self) -> bool {
        *self == Name::default()
    }

    /// Go's `ToRDNSequence` order: C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER, then
    /// the extra attributes; each as `(oid arcs, values)`.
    fn rdn_attributes(&self) -> Vec<(Vec<u64>, Vec<String>)> {
        let std = |n: u64| vec![2, 5, 4, n];
        let mut out = Vec::new();
        let mut push = |oid: Vec<u64>, values: &[String]| {
            if !values.is_empty() {
                out.push((oid, values.to_vec()));
            }
        };
        push(std(OID_COUNTRY), &self.country);
        push(std(OID_PROVINCE), &self.province);
        push(std(OID_LOCALITY), &self.locality);
        push(std(OID_STREET), &self.street_address);
        push(std(OID_POSTAL_CODE), &self.postal_code);
        push(std(OID_ORGANIZATION), &self.organization);
        push(std(OID_ORG_UNIT), &self.organizational_unit);
        if !self.common_name.is_empty() {
            push(std(OID_COMMON_NAME), std::slice::from_ref(&self.common_name));
        }
        if !self.serial_number.is_empty() {
            push(std(OID_SERIAL_NUMBER), std::slice::from_ref(&self.serial_number));
        }
        out
    }

    /// The DER RDNSequence, as Go marshals `pkix.Name`.
    pub fn to_der(&self) -> Vec<u8> {
        let mut rdns = Vec::new();
        for (oid, values) in self.rdn_attributes() {
            let atvs: Vec<Vec<u8>> = values.iter().map(|v| der::sequence(&[der::oid(&oid), der::go_string(v)])).collect();
            rdns.push(der::set(&atvs));
        }
        if let Some(email) = &self.email_address {
            let atv = der::sequence(&[der::oid(OID_EMAIL), der::tlv(der::TAG_IA5_STRING, email.as_bytes())]);
            rdns.push(der::set(&[atv]));
        }
        der::sequence(&rdns)
    }

    /// Parses an RDNSequence into fields, as Go's `FillFromRDNSequence`.
    pub fn parse(rdn_sequence_content: &[u8]) -> Result<Name, X509Error> {
        let mut name = Name::default();
        let mut rdns = Reader::new(rdn_sequence_content);
        while !rdns.is_empty() {
            let set = rdns.expect(der::TAG_SET)?;
            let mut atvs = Reader::new(set.content);
            while !atvs.is_empty() {
                let mut atv = atvs.sequence()?;
                let oid = atv.expect(der::TAG_OID)?;
                let value = atv.read()?;
                let text = asn1_string(value.tag, value.content)?;
                let oid_text = der::oid_to_string(oid.content);
                name.names.push((oid_text.clone(), text.clone()));
                match oid_text.strip_prefix("2.5.4.").and_then(|s| s.parse::<u64>().ok()) {
                    Some(OID_COMMON_NAME) => name.common_name = text,
                    Some(OID_SERIAL_NUMBER) => name.serial_number = text,
                    Some(OID_COUNTRY) => name.country.push(text),
                    Some(OID_LOCALITY) => name.locality.push(text),
                    Some(OID_PROVINCE) => name.province.push(text),
                    Some(OID_STREET) => name.street_address.push(text),
                    Some(OID_ORGANIZATION) => name.organization.push(text),
                    Some(OID_ORG_UNIT) => name.organizational_unit.push(text),
                    Some(OID_POSTAL_CODE) => name.postal_code.push(text),
                    _ => {}
                }
            }
        }
        Ok(name)
    }

    /// Go's `pkix.Name.String()` of a parsed name: RFC 2253 order (last RDN first), attributes
    /// Go does not name come last as `OID=#hex`.
    pub fn to_go_string(&self) -> String {
        // (type name or None for unnamed OID, oid text, values)
        let mut rdns: Vec<(Option<&'static str>, String, Vec<String>)> = Vec::new();
        for (oid, value) in &self.names {
            let standard = oid
                .strip_prefix("2.5.4.")
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|n| [3, 5, 6, 7, 8, 9, 10, 11, 17].contains(&n));
            if !standard {
                rdns.push((None, oid.clone(), vec![value.clone()]));
            }
        }
        for (oid, values) in self.rdn_attributes() {
            let type_name = match oid.last() {
                Some(&OID_COUNTRY) => "C",
                Some(&OID_PROVINCE) => "ST",
                Some(&OID_LOCALITY) => "L",
                Some(&OID_STREET) => "STREET",
                Some(&OID_POSTAL_CODE) => "POSTALCODE",
                Some(&OID_ORGANIZATION) => "O",
                Some(&OID_ORG_UNIT) => "OU",
                Some(&OID_COMMON_NAME) => "CN",
                _ => "SERIALNUMBER",
            };
            rdns.push((Some(type_name), String::new(), values));
        }
        let mut parts = Vec::new();
        for (type_name, oid, values) in rdns.iter().rev() {
            let atvs: Vec<String> = values
                .iter()
                .map(|v| match type_name {
                    Some(t) => format!("{t}={}", escape_dn_value(v)),
                    None => format!("{oid}=#{}", hex::encode(der::go_string(v))),
                })
                .collect();
            parts.push(atvs.join("+"));
        }
        parts.join(",")
    }
}

fn escape_dn_value(v: &str) -> String {
    let mut out = String::new();
    let last = v.len().saturating_sub(1);
    for (k, c) in v.char_indices() {
        let escape = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => k == 0 || k == last,
            '#' => k == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Decodes the ASN.1 string types Go accepts in names.
fn asn1_string(tag: u8, content: &[u8]) -> Result<String, X509Error> {
    match tag {
        der::TAG_UTF8_STRING | der::TAG_PRINTABLE_STRING | der::TAG_IA5_STRING | der::TAG_NUMERIC_STRING => {
            String::from_utf8(content.to_vec()).map_err(|_| X509Error::Invalid("x509: invalid UTF-8 string".into()))
        }
        der::TAG_T61_STRING => Ok(content.iter().map(|b| *b as char).collect()),
        der::TAG_BMP_STRING => {
            if content.len() % 2 != 0 {
                return Err(X509Error::Invalid("invalid BMPString".into()));
            }
            let units: Vec<u16> = content.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).map_err(|_| X509Error::Invalid("invalid BMPString".into()))
        }
        _ => Err(X509Error::Invalid("x509: invalid RDNSequence: invalid attribute value: unsupported string type".into())),
    }
}

/// Subject alternative names.
#[derive(Clone, Debug, Default)]
pub struct Sans {
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<IpAddr>,
    pub uris: Vec<String>,
}

impl Sans {
    fn is_empty(&self) -> bool {
        self.dns_names.is_empty() && self.ip_addresses.is_empty() && self.uris.is_empty()
    }

    /// GeneralNames in Go's order: DNS names, IP addresses, URIs.
    fn to_der(&self) -> Result<Vec<u8>, Failure> {
        let mut names = Vec::new();
        for d in &self.dns_names {
            check_ia5(d)?;
            names.push(der::context(2, false, d.as_bytes()));
        }
        for ip in &self.ip_addresses {
            let bytes = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => v6.octets().to_vec(),
                },
            };
            names.push(der::context(7, false, &bytes));
        }
        for u in &self.uris {
            check_ia5(u)?;
            names.push(der::context(6, false, u.as_bytes()));
        }
        Ok(der::sequence(&names))
    }

    fn parse(ext_value: &[u8], out: &mut Sans) -> Result<(), X509Error> {
        let mut names = Reader::new(ext_value).sequence()?;
        while !names.is_empty() {
            let n = names.read()?;
            match n.tag {
                0x82 => out.dns_names.push(String::from_utf8_lossy(n.content).into_owned()),
                0x86 => out.uris.push(String::from_utf8_lossy(n.content).into_owned()),
                0x87 => match n.content.len() {
                    4 => out.ip_addresses.push(IpAddr::from(<[u8; 4]>::try_from(n.content).unwrap_or_default())),
                    16 => out.ip_addresses.push(IpAddr::from(<[u8; 16]>::try_from(n.content).unwrap_or_default())),
                    l => return Err(X509Error::Invalid(format!("x509: cannot parse IP address of length {l}"))),
                },
                _ => {}
            }
        }
        Ok(())
    }
}

fn check_ia5(s: &str) -> Result<(), Failure> {
    if s.is_ascii() {
        Ok(())
    } else {
        Err(Failure::new("Failed to create certificate", format!("x509: {s:?} cannot be encoded as an IA5String")))
    }
}

/// Go's `x509.KeyUsage` bits by `allowed_uses` name.
pub const KEY_USAGES: [(&str, u16); 9] = [
    ("digital_signature", 1 << 0),
    ("content_commitment", 1 << 1),
    ("key_encipherment", 1 << 2),
    ("data_encipherment", 1 << 3),
    ("key_agreement", 1 << 4),
    ("cert_signing", 1 << 5),
    ("crl_signing", 1 << 6),
    ("encipher_only", 1 << 7),
    ("decipher_only", 1 << 8),
];

/// Extended key usage OIDs by `allowed_uses` name.
pub const EXT_KEY_USAGES: [(&str, &[u64]); 14] = [
    ("any_extended", &[2, 5, 29, 37, 0]),
    ("server_auth", &[1, 3, 6, 1, 5, 5, 7, 3, 1]),
    ("client_auth", &[1, 3, 6, 1, 5, 5, 7, 3, 2]),
    ("code_signing", &[1, 3, 6, 1, 5, 5, 7, 3, 3]),
    ("email_protection", &[1, 3, 6, 1, 5, 5, 7, 3, 4]),
    ("ipsec_end_system", &[1, 3, 6, 1, 5, 5, 7, 3, 5]),
    ("ipsec_tunnel", &[1, 3, 6, 1, 5, 5, 7, 3, 6]),
    ("ipsec_user", &[1, 3, 6, 1, 5, 5, 7, 3, 7]),
    ("timestamping", &[1, 3, 6, 1, 5, 5, 7, 3, 8]),
    ("ocsp_signing", &[1, 3, 6, 1, 5, 5, 7, 3, 9]),
    ("microsoft_server_gated_crypto", &[1, 3, 6, 1, 4, 1, 311, 10, 3, 3]),
    ("netscape_server_gated_crypto", &[2, 16, 840, 1, 113730, 4, 1]),
    ("microsoft_commercial_code_signing", &[1, 3, 6, 1, 4, 1, 311, 2, 1, 22]),
    ("microsoft_kernel_code_signing", &[1, 3, 6, 1, 4, 1, 311, 61, 1, 1]),
];

/// Every accepted `allowed_uses` value, sorted (as HashiCorp's validator lists them).
pub fn supported_key_usages() -> Vec<&'static str> {
    let mut v: Vec<&str> = KEY_USAGES.iter().map(|(n, _)| *n).chain(EXT_KEY_USAGES.iter().map(|(n, _)| *n)).collect();
    v.sort_unstable();
    v
}

fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![der::oid(oid)];
    if critical {
        parts.push(der::boolean(true));
    }
    parts.push(der::octet_string(value));
    der::sequence(&parts)
}

/// Go's `marshalKeyUsage`: bits reversed per byte, trailing zero bits dropped.
fn key_usage_value(bits: u16) -> Vec<u8> {
    let a = [(bits as u8).reverse_bits(), ((bits >> 8) as u8).reverse_bits()];
    let bytes = if a[1] != 0 { &a[..] } else { &a[..1] };
    let last = bytes[bytes.len() - 1];
    let unused = if last == 0 { 0 } else { last.trailing_zeros() as u8 };
    der::bit_string_unused(bytes, unused)
}

/// What `createCertificate` in HashiCorp's provider takes from the plan.
pub struct CertOptions {
    pub validity_period_hours: i64,
    pub allowed_uses: Vec<String>,
    pub is_ca: bool,
    pub max_path_length: Option<i64>,
    pub set_subject_key_id: bool,
    /// Only `tls_self_signed_cert` has this argument.
    pub set_authority_key_id: bool,
}

/// The issuer side of a certificate: for a self-signed one, the subject itself.
pub struct Issuer<'a> {
    pub key: &'a PrivateKey,
    /// DER RDNSequence of the issuer, `None` for self-signed (same as the subject).
    pub raw_subject: Option<Vec<u8>>,
    pub subject_key_id: Option<Vec<u8>>,
}

/// A created certificate and the attributes HashiCorp's provider stores for it.
pub struct CreatedCert {
    pub id: String,
    pub cert_pem: String,
    pub validity_start_time: String,
    pub validity_end_time: String,
}

/// The subject's public key, as the pieces certificate building needs.
pub struct SubjectKey {
    pub spki_der: Vec<u8>,
    pub subject_key_id: Vec<u8>,
}

/// Builds and signs a certificate following Go's `x509.CreateCertificate` with the template
/// HashiCorp's `createCertificate` fills.
pub fn create_certificate(
    subject: &Name,
    sans: &Sans,
    subject_key: &SubjectKey,
    issuer: &Issuer<'_>,
    opts: &CertOptions,
    now: DateTime<Utc>,
) -> Result<CreatedCert, Failure> {
    let not_before = now;
    let not_after = now + chrono::Duration::hours(opts.validity_period_hours);

    let mut serial = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut serial);

    let mut key_usage: u16 = 0;
    let mut ext_key_usages: Vec<&[u64]> = Vec::new();
    for u in &opts.allowed_uses {
        if let Some((_, bit)) = KEY_USAGES.iter().find(|(n, _)| n == u) {
            key_usage |= bit;
        }
        if let Some((_, oid)) = EXT_KEY_USAGES.iter().find(|(n, _)| n == u) {
            ext_key_usages.push(oid);
        }
    }

    let mut subject_key_id: Option<Vec<u8>> = None;
    if opts.is_ca {
        if subject.is_empty() {
            return Err(Failure::new(
                "Invalid Certificate Subject",
                "Must contain at least one Distinguished Name when creating Certificate Authority (CA)",
            ));
        }
        subject_key_id = Some(subject_key.subject_key_id.clone());
    }
    let max_path_len = opts.max_path_length.filter(|m| *m >= 0).unwrap_or(0);
    if opts.set_subject_key_id {
        subject_key_id = Some(subject_key.subject_key_id.clone());
    }

    let subject_der = subject.to_der();
    let self_signed = issuer.raw_subject.is_none();
    let issuer_der = issuer.raw_subject.clone().unwrap_or_else(|| subject_der.clone());

    let mut authority_key_id: Option<Vec<u8>> = None;
    if self_signed && opts.set_authority_key_id {
        match &subject_key_id {
            Some(id) => authority_key_id = Some(id.clone()),
            None => {
                return Err(Failure::new("Invalid Certificate Authority", "Could not determine Authority Key Identifier"));
            }
        }
    }
    // Go takes the authority key identifier from the parent when the certificate is not
    // self-signed and the parent has a subject key identifier.
    if issuer_der != subject_der {
        if let Some(id) = issuer.subject_key_id.as_ref().filter(|id| !id.is_empty()) {
            authority_key_id = Some(id.clone());
        }
    }

    if !opts.is_ca && max_path_len != 0 {
        return Err(Failure::new("Failed to create certificate", "x509: only CAs are allowed to specify MaxPathLen"));
    }

    let mut exts = Vec::new();
    if key_usage != 0 {
        exts.push(extension(&[2, 5, 29, 15], true, &key_usage_value(key_usage)));
    }
    if !ext_key_usages.is_empty() {
        let oids: Vec<Vec<u8>> = ext_key_usages.iter().map(|o| der::oid(o)).collect();
        exts.push(extension(&[2, 5, 29, 37], false, &der::sequence(&oids)));
    }
    {
        let mut bc = Vec::new();
        if opts.is_ca {
            bc.push(der::boolean(true));
        }
        // Go omits a zero path length unless asked (HashiCorp never asks): "no limit".
        if max_path_len > 0 {
            bc.push(der::int(max_path_len));
        }
        exts.push(extension(&[2, 5, 29, 19], true, &der::sequence(&bc)));
    }
    if let Some(id) = &subject_key_id {
        exts.push(extension(&[2, 5, 29, 14], false, &der::octet_string(id)));
    }
    if let Some(id) = &authority_key_id {
        exts.push(extension(&[2, 5, 29, 35], false, &der::sequence(&[der::context(0, false, id)])));
    }
    if !sans.is_empty() {
        // The SAN extension is critical when the subject is empty (RFC 5280 4.2.1.6).
        let critical = subject_der == der::sequence(&[]);
        exts.push(extension(&[2, 5, 29, 17], critical, &sans.to_der()?));
    }

    let tbs = der::sequence(&[
        der::context(0, true, &der::int(2)),
        der::uint(&serial),
        issuer.key.signature_algorithm(),
        issuer_der,
        der::sequence(&[asn1_time(not_before), asn1_time(not_after)]),
        subject_der,
        subject_key.spki_der.clone(),
        der::context(3, true, &der::sequence(&exts)),
    ]);
    let (sig_alg, signature) = issuer.key.sign(&tbs).map_err(|e| Failure::new("Failed to create certificate", e.to_string()))?;
    let cert = der::sequence(&[tbs, sig_alg, der::bit_string(&signature)]);

    Ok(CreatedCert {
        id: num_bigint::BigUint::from_bytes_be(&serial).to_string(),
        cert_pem: pem::encode("CERTIFICATE", &cert),
        validity_start_time: rfc3339_nano(not_before),
        validity_end_time: rfc3339_nano(not_after),
    })
}

/// Builds and signs a PKCS#10 request as Go's `x509.CreateCertificateRequest`; returns the DER.
pub fn create_certificate_request(subject: &Name, sans: &Sans, key: &PrivateKey) -> Result<Vec<u8>, Failure> {
    let err = |e: String| Failure::new("Error creating certificate request", e);
    let spki = key.spki_der().map_err(|e| err(e.to_string()))?;
    let mut attributes = Vec::new();
    if !sans.is_empty() {
        let san = sans.to_der().map_err(|f| err(f.detail))?;
        let ext = extension(&[2, 5, 29, 17], false, &san);
        attributes.push(der::sequence(&[der::oid(&[1, 2, 840, 113549, 1, 9, 14]), der::set(&[der::sequence(&[ext])])]));
    }
    let info = der::sequence(&[der::int(0), subject.to_der(), spki, der::context(0, true, &attributes.concat())]);
    let (alg, sig) = key.sign(&info).map_err(|e| err(e.to_string()))?;
    Ok(der::sequence(&[info, alg, der::bit_string(&sig)]))
}

/// Go's ASN.1 time: UTCTime for years 1950–2049, GeneralizedTime otherwise; seconds precision.
fn asn1_time(t: DateTime<Utc>) -> Vec<u8> {
    if (1950..2050).contains(&t.year()) {
        der::tlv(der::TAG_UTC_TIME, t.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        der::tlv(der::TAG_GENERALIZED_TIME, t.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
}

/// Go's `time.Time.MarshalText` (RFC 3339 with nanoseconds, trailing zeros trimmed) in UTC.
pub fn rfc3339_nano(t: DateTime<Utc>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    if nanos == 0 {
        format!("{base}Z")
    } else {
        let frac = format!("{nanos:09}");
        format!("{base}.{}Z", frac.trim_end_matches('0'))
    }
}

fn parse_asn1_time(t: der::Tlv<'_>) -> Result<DateTime<Utc>, X509Error> {
    let s = std::str::from_utf8(t.content).map_err(|_| X509Error::Invalid("x509: malformed time".into()))?;
    let full = match t.tag {
        der::TAG_UTC_TIME => {
            let yy: i32 = s.get(..2).and_then(|y| y.parse().ok()).ok_or_else(|| X509Error::Invalid("x509: malformed UTCTime".into()))?;
            let century = if yy >= 50 { "19" } else { "20" };
            format!("{century}{s}")
        }
        der::TAG_GENERALIZED_TIME => s.to_string(),
        _ => return Err(X509Error::Invalid("x509: malformed validity".into())),
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%SZ")
        .map_err(|_| X509Error::Invalid(format!("x509: malformed time {s:?}")))?;
    Ok(Utc.from_utc_datetime(&naive))
}

/// A SubjectPublicKeyInfo split into the parts we use.
#[derive(Clone, Debug)]
pub struct Spki {
    pub raw: Vec<u8>,
    pub algorithm_oid: String,
    pub key_bits: Vec<u8>,
}

fn parse_spki(t: der::Tlv<'_>) -> Result<Spki, X509Error> {
    let mut r = Reader::new(t.content);
    let mut alg = r.sequence()?;
    let oid = alg.expect(der::TAG_OID)?;
    let bits = r.expect(der::TAG_BIT_STRING)?;
    Ok(Spki { raw: t.raw.to_vec(), algorithm_oid: der::oid_to_string(oid.content), key_bits: der::bit_string_bytes(bits.content)?.to_vec() })
}

/// Parses a DER SubjectPublicKeyInfo.
pub fn parse_spki_der(data: &[u8]) -> Result<Spki, X509Error> {
    parse_spki(Reader::new(data).read()?)
}

impl Spki {
    /// HashiCorp's subject key identifier of this public key (see
    /// [`PrivateKey::subject_key_id`]).
    pub fn subject_key_id(&self) -> Vec<u8> {
        let bytes = if self.algorithm_oid == "1.3.101.112" { der::octet_string(&self.key_bits) } else { self.key_bits.clone() };
        sha1::Sha1::digest(&bytes).to_vec()
    }
}

/// A parsed certificate.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub raw: Vec<u8>,
    pub version: i64,
    pub serial: Vec<u8>,
    pub signature_algorithm: String,
    pub issuer: Name,
    pub subject: Name,
    pub raw_subject: Vec<u8>,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub spki: Spki,
    /// `(is_ca, max_path_len)` as Go reports them: no extension → (false, 0); no path length →
    /// -1.
    pub is_ca: bool,
    pub max_path_len: i64,
    pub subject_key_id: Option<Vec<u8>>,
    pub sans: Sans,
}

/// Parses one DER certificate.
pub fn parse_certificate(data: &[u8]) -> Result<Certificate, X509Error> {
    let mut outer = Reader::new(data);
    let cert = outer.expect(der::TAG_SEQUENCE)?;
    let mut c = Reader::new(cert.content);
    let tbs = c.expect(der::TAG_SEQUENCE)?;
    let sig_alg = c.expect(der::TAG_SEQUENCE)?;
    let mut t = Reader::new(tbs.content);
    let version = match t.optional(0xa0)? {
        Some(v) => der::int_value(Reader::new(v.content).expect(der::TAG_INTEGER)?.content)? + 1,
        None => 1,
    };
    let serial = t.expect(der::TAG_INTEGER)?.content.to_vec();
    t.expect(der::TAG_SEQUENCE)?; // inner signature algorithm
    let issuer = t.expect(der::TAG_SEQUENCE)?;
    let mut validity = t.sequence()?;
    let not_before = parse_asn1_time(validity.read()?)?;
    let not_after = parse_asn1_time(validity.read()?)?;
    let subject = t.expect(der::TAG_SEQUENCE)?;
    let spki = parse_spki(t.expect(der::TAG_SEQUENCE)?)?;
    let mut parsed = Certificate {
        raw: cert.raw.to_vec(),
        version,
        serial,
        signature_algorithm: signature_algorithm_name(sig_alg.content),
        issuer: Name::parse(issuer.content)?,
        subject: Name::parse(subject.content)?,
        raw_subject: subject.raw.to_vec(),
        not_before,
        not_after,
        spki,
        is_ca: false,
        max_path_len: 0,
        subject_key_id: None,
        sans: Sans::default(),
    };
    while !t.is_empty() {
        let field = t.read()?;
        if field.tag != 0xa3 {
            continue;
        }
        let mut exts = Reader::new(field.content).sequence()?;
        while !exts.is_empty() {
            let mut ext = exts.sequence()?;
            let oid = der::oid_to_string(ext.expect(der::TAG_OID)?.content);
            ext.optional(der::TAG_BOOLEAN)?;
            let value = ext.expect(der::TAG_OCTET_STRING)?.content;
            match oid.as_str() {
                "2.5.29.19" => {
                    let mut bc = Reader::new(value).sequence()?;
                    parsed.is_ca = match bc.optional(der::TAG_BOOLEAN)? {
                        Some(b) => b.content.first().is_some_and(|v| *v != 0),
                        None => false,
                    };
                    parsed.max_path_len = match bc.optional(der::TAG_INTEGER)? {
                        Some(i) => der::int_value(i.content)?,
                        None => -1,
                    };
                }
                "2.5.29.14" => {
                    parsed.subject_key_id = Some(Reader::new(value).expect(der::TAG_OCTET_STRING)?.content.to_vec());
                }
                "2.5.29.17" => Sans::parse(value, &mut parsed.sans)?,
                _ => {}
            }
        }
    }
    Ok(parsed)
}

impl Certificate {
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.raw)
    }
    /// Go's `big.Int.String()` of the serial number.
    pub fn serial_string(&self) -> String {
        let negative = self.serial.first().is_some_and(|b| b & 0x80 != 0);
        if negative {
            let n = num_bigint::BigInt::from_signed_bytes_be(&self.serial);
            n.to_string()
        } else {
            num_bigint::BigUint::from_bytes_be(&self.serial).to_string()
        }
    }
    /// Go's `PublicKeyAlgorithm.String()`.
    pub fn public_key_algorithm(&self) -> &'static str {
        match self.spki.algorithm_oid.as_str() {
            "1.2.840.113549.1.1.1" => "RSA",
            "1.2.840.10040.4.1" => "DSA",
            "1.2.840.10045.2.1" => "ECDSA",
            "1.3.101.112" => "Ed25519",
            _ => "0",
        }
    }
}

/// Go's `SignatureAlgorithm.String()` for an AlgorithmIdentifier's content.
fn signature_algorithm_name(alg_content: &[u8]) -> String {
    let mut r = Reader::new(alg_content);
    let Ok(oid) = r.expect(der::TAG_OID) else { return "0".into() };
    let name = match der::oid_to_string(oid.content).as_str() {
        "1.2.840.113549.1.1.2" => "MD2-RSA",
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.113549.1.1.10" => {
            // RSASSA-PSS: the hash is in the parameters.
            let params = hex::encode(r.read().map(|t| t.raw.to_vec()).unwrap_or_default());
            if params.contains("608648016503040201") {
                "SHA256-RSAPSS"
            } else if params.contains("608648016503040202") {
                "SHA384-RSAPSS"
            } else if params.contains("608648016503040203") {
                "SHA512-RSAPSS"
            } else {
                "0"
            }
        }
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        _ => "0",
    };
    name.to_string()
}

/// A parsed certificate request: what `tls_locally_signed_cert` copies into the certificate.
pub struct CertificateRequest {
    pub subject: Name,
    pub spki: Spki,
    pub sans: Sans,
}

pub fn parse_certificate_request(data: &[u8]) -> Result<CertificateRequest, X509Error> {
    let mut outer = Reader::new(data).sequence()?;
    let mut info = outer.sequence()?;
    info.expect(der::TAG_INTEGER)?;
    let subject = Name::parse(info.expect(der::TAG_SEQUENCE)?.content)?;
    let spki = parse_spki(info.expect(der::TAG_SEQUENCE)?)?;
    let mut sans = Sans::default();
    if let Some(attrs) = info.optional(0xa0)? {
        let mut attrs = Reader::new(attrs.content);
        while !attrs.is_empty() {
            let mut attr = attrs.sequence()?;
            let oid = der::oid_to_string(attr.expect(der::TAG_OID)?.content);
            let values = attr.expect(der::TAG_SET)?;
            if oid != "1.2.840.113549.1.9.14" {
                continue;
            }
            let mut values = Reader::new(values.content);
            while !values.is_empty() {
                let mut exts = values.sequence()?;
                while !exts.is_empty() {
                    let mut ext = exts.sequence()?;
                    let oid = der::oid_to_string(ext.expect(der::TAG_OID)?.content);
                    ext.optional(der::TAG_BOOLEAN)?;
                    let value = ext.expect(der::TAG_OCTET_STRING)?.content;
                    if oid == "2.5.29.17" {
                        Sans::parse(value, &mut sans)?;
                    }
                }
            }
        }
    }
    Ok(CertificateRequest { subject, spki, sans })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bits_like_go() {
        // digital_signature | key_encipherment → 0b101 reversed = 0xa0, 5 unused bits.
        assert_eq!(key_usage_value(1 | 4), vec![3, 2, 5, 0xa0]);
        // cert_signing only → 0x04 with 2 unused bits.
        assert_eq!(key_usage_value(1 << 5), vec![3, 2, 2, 0x04]);
        // decipher_only needs a second byte.
        assert_eq!(key_usage_value(1 << 8), vec![3, 3, 7, 0, 0x80]);
    }

    #[test]
    fn name_round_trip_and_go_string() {
        let n = Name {
            common_name: "example.com".into(),
            organization: vec!["ACME, Inc".into()],
            country: vec!["US".into()],
            ..Name::default()
        };
        let der_bytes = n.to_der();
        let parsed = Name::parse(Reader::new(&der_bytes).read().unwrap().content).unwrap();
        assert_eq!(parsed.common_name, "example.com");
        assert_eq!(parsed.to_go_string(), "CN=example.com,O=ACME\\, Inc,C=US");
    }

    #[test]
    fn times_like_go() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + chrono::Duration::nanoseconds(120_000_000);
        assert_eq!(rfc3339_nano(t), "2024-01-02T03:04:05.12Z");
        assert_eq!(asn1_time(t), der::tlv(der::TAG_UTC_TIME, b"240102030405Z"));
        let far = Utc.with_ymd_and_hms(2050, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(asn1_time(far), der::tlv(der::TAG_GENERALIZED_TIME, b"20500101000000Z"));
    }
}
