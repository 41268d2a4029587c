//! PEM (RFC 7468) encoding as Go's `encoding/pem` writes it (64-character lines, trailing
//! newline), and a decoder as lenient as Go's: text before the block is skipped, headers are
//! ignored, base64 may contain whitespace.

use base64::Engine as _;

/// A decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub label: String,
    pub der: Vec<u8>,
}

pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // Base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Decodes the first PEM block in `text`, or `None` when there is none (as Go's `pem.Decode`).
pub fn decode(text: &str) -> Option<Block> {
    decode_all(text).into_iter().next()
}

/// Decodes every well-formed PEM block in `text`, in order.
pub fn decode_all(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + "-----BEGIN ".len()..];
        let Some(label_end) = after.find("-----") else { break };
        let label = &after[..label_end];
        if label.contains('\n') {
            rest = after;
            continue;
        }
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = body_start;
            continue;
        };
        let body = &body_start[..end];
        // Headers ("Proc-Type: ...") end at the first blank line; Go ignores them for
        // unencrypted blocks.
        let body = if body.contains(':') {
            match body.find("\n\n").or_else(|| body.find("\r\n\r\n")) {
                Some(i) => &body[i..],
                None => body,
            }
        } else {
            body
        };
        let cleaned: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
            Ok(der) => blocks.push(Block { label: label.to_string(), der }),
            Err(_) => {}
        }
        rest = &body_start[end + end_marker.len()..];
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_64_columns() {
        let der: Vec<u8> = (0..100u8).collect();
        let text = encode("TEST", &der);
        assert!(text.lines().nth(1).is_some_and(|l| l.len() == 64));
        assert!(text.ends_with("-----END TEST-----\n"));
        let b = decode(&format!("junk\n{text}more")).unwrap();
        assert_eq!(b, Block { label: "TEST".into(), der });
        assert!(decode("no pem here").is_none());
    }
}
