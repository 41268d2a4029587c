//! A minimal DER writer and reader: just what certificates, CSRs and keys need. Written by hand
//! so that the bytes we emit follow Go's `crypto/x509` (which HashiCorp's provider uses) field by
//! field, and so that parsing never panics on hostile input.

use thiserror::Error;

pub const TAG_BOOLEAN: u8 = 0x01;
pub const TAG_INTEGER: u8 = 0x02;
pub const TAG_BIT_STRING: u8 = 0x03;
pub const TAG_OCTET_STRING: u8 = 0x04;
pub const TAG_NULL: u8 = 0x05;
pub const TAG_OID: u8 = 0x06;
pub const TAG_UTF8_STRING: u8 = 0x0c;
pub const TAG_NUMERIC_STRING: u8 = 0x12;
pub const TAG_PRINTABLE_STRING: u8 = 0x13;
pub const TAG_T61_STRING: u8 = 0x14;
pub const TAG_IA5_STRING: u8 = 0x16;
pub const TAG_UTC_TIME: u8 = 0x17;
pub const TAG_GENERALIZED_TIME: u8 = 0x18;
pub const TAG_BMP_STRING: u8 = 0x1e;
pub const TAG_SEQUENCE: u8 = 0x30;
pub const TAG_SET: u8 = 0x31;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DerError {
    #[error("truncated DER data")]
    Truncated,
    #[error("unsupported DER length encoding")]
    BadLength,
    #[error("expected ASN.1 tag {expected:#04x}, found {found:#04x}")]
    UnexpectedTag { expected: u8, found: u8 },
    #[error("malformed {0}")]
    Malformed(&'static str),
}

// ----- writing -----

fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// One TLV with the given tag byte and content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

pub fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(TAG_SEQUENCE, &parts.concat())
}

/// A SET: DER requires its elements sorted by their encodings.
pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    tlv(TAG_SET, &sorted.concat())
}

/// A non-negative INTEGER from big-endian magnitude bytes.
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = {
        let skip = magnitude.iter().take_while(|b| **b == 0).count();
        &magnitude[skip..]
    };
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.is_empty() || trimmed[0] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    tlv(TAG_INTEGER, &content)
}

pub fn int(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    // Minimal two's complement: drop leading bytes that only repeat the sign.
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(TAG_INTEGER, &bytes[start..])
}

pub fn boolean(v: bool) -> Vec<u8> {
    tlv(TAG_BOOLEAN, &[if v { 0xff } else { 0 }])
}

pub fn null() -> Vec<u8> {
    vec![TAG_NULL, 0]
}

pub fn octet_string(v: &[u8]) -> Vec<u8> {
    tlv(TAG_OCTET_STRING, v)
}

/// A BIT STRING of whole bytes.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    bit_string_unused(bytes, 0)
}

pub fn bit_string_unused(bytes: &[u8], unused: u8) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(unused);
    content.extend_from_slice(bytes);
    tlv(TAG_BIT_STRING, &content)
}

/// An OBJECT IDENTIFIER from its arcs.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    tlv(TAG_OID, &oid_content(arcs))
}

pub fn oid_content(arcs: &[u64]) -> Vec<u8> {
    let mut content = Vec::new();
    let mut push_arc = |mut v: u64| {
        let mut tmp = vec![(v & 0x7f) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        tmp.reverse();
        content.extend(tmp);
    };
    match arcs {
        [a, b, rest @ ..] => {
            push_arc(a * 40 + b);
            for r in rest {
                push_arc(*r);
            }
        }
        [a] => push_arc(a * 40),
        [] => {}
    }
    content
}

/// Context-specific tag `[n]`, constructed (EXPLICIT or IMPLICIT of a constructed type) or
/// primitive (IMPLICIT of a primitive type).
pub fn context(n: u8, constructed: bool, content: &[u8]) -> Vec<u8> {
    tlv(0x80 | if constructed { 0x20 } else { 0 } | n, content)
}

/// Go's `asn1.Marshal` of a string: PrintableString when every character allows it, else
/// UTF8String.
pub fn go_string(s: &str) -> Vec<u8> {
    if s.bytes().all(is_printable) {
        tlv(TAG_PRINTABLE_STRING, s.as_bytes())
    } else {
        tlv(TAG_UTF8_STRING, s.as_bytes())
    }
}

/// The PrintableString alphabet, with `*` and `&` allowed as Go's marshaller does.
fn is_printable(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&b)
}

// ----- reading -----

/// One decoded TLV: its tag byte, its content, and the whole encoding.
#[derive(Clone, Copy, Debug)]
pub struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
}

/// A cursor over consecutive TLVs.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    pub fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let data = self.data;
        let tag = *data.first().ok_or(DerError::Truncated)?;
        if tag & 0x1f == 0x1f {
            return Err(DerError::Malformed("multi-byte tag"));
        }
        let first = *data.get(1).ok_or(DerError::Truncated)?;
        let (len, header) = if first < 0x80 {
            (first as usize, 2)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 {
                return Err(DerError::BadLength);
            }
            let bytes = data.get(2..2 + n).ok_or(DerError::Truncated)?;
            let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + n)
        };
        let end = header.checked_add(len).ok_or(DerError::BadLength)?;
        let raw = data.get(..end).ok_or(DerError::Truncated)?;
        self.data = &data[end..];
        Ok(Tlv { tag, content: &raw[header..], raw })
    }

    /// Reads a TLV that must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, DerError> {
        let t = self.read()?;
        if t.tag != tag {
            return Err(DerError::UnexpectedTag { expected: tag, found: t.tag });
        }
        Ok(t)
    }

    /// Reads the content of a SEQUENCE as a new reader.
    pub fn sequence(&mut self) -> Result<Reader<'a>, DerError> {
        Ok(Reader::new(self.expect(TAG_SEQUENCE)?.content))
    }

    /// Reads an optional element with `tag`, if it is next.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
        if self.peek_tag() == Some(tag) {
            Ok(Some(self.read()?))
        } else {
            Ok(None)
        }
    }
}

/// Decodes OID content bytes to dotted text.
pub fn oid_to_string(content: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for b in content {
        acc = (acc << 7) | (b & 0x7f) as u64;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (a, b) = if acc < 40 {
                    (0, acc)
                } else if acc < 80 {
                    (1, acc - 40)
                } else {
                    (2, acc - 80)
                };
                arcs.push(a);
                arcs.push(b);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// The value of an INTEGER that fits an i64.
pub fn int_value(content: &[u8]) -> Result<i64, DerError> {
    if content.is_empty() || content.len() > 8 {
        return Err(DerError::Malformed("integer"));
    }
    let mut v: i64 = if content[0] & 0x80 != 0 { -1 } else { 0 };
    for b in content {
        v = (v << 8) | *b as i64;
    }
    Ok(v)
}

/// The content bytes of a BIT STRING with no unused bits.
pub fn bit_string_bytes(content: &[u8]) -> Result<&[u8], DerError> {
    match content.split_first() {
        Some((0, rest)) => Ok(rest),
        Some((_, rest)) => Ok(rest),
        None => Err(DerError::Malformed("bit string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_minimal() {
        assert_eq!(int(0), vec![2, 1, 0]);
        assert_eq!(int(127), vec![2, 1, 0x7f]);
        assert_eq!(int(128), vec![2, 2, 0, 0x80]);
        assert_eq!(int(-1), vec![2, 1, 0xff]);
        assert_eq!(uint(&[0, 0, 0x80]), vec![2, 2, 0, 0x80]);
        assert_eq!(int_value(&[0, 0x80]).unwrap(), 128);
    }

    #[test]
    fn oids_round_trip() {
        let enc = oid(&[1, 2, 840, 113549, 1, 1, 11]);
        assert_eq!(hex::encode(&enc), "06092a864886f70d01010b");
        assert_eq!(oid_to_string(&enc[2..]), "1.2.840.113549.1.1.11");
    }

    #[test]
    fn long_lengths() {
        let data = vec![7u8; 300];
        let enc = octet_string(&data);
        assert_eq!(&enc[..4], &[4, 0x82, 1, 44]);
        let t = Reader::new(&enc).read().unwrap();
        assert_eq!(t.content.len(), 300);
        assert_eq!(Reader::new(&enc[..10]).read().unwrap_err(), DerError::Truncated);
    }
}
