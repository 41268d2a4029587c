//! `tls_private_key` and `data "tls_public_key"`, checked with openssl and ssh-keygen.

mod common;

use common::*;
use infra_provider_sdk::{Type, Value};

fn provider() -> std::sync::Arc<dyn infra_provider_sdk::Provider> {
    let f = infra_provider_tls::factory();
    assert_eq!((f.name, f.source), ("tls", "hashicorp/tls"));
    (f.new)()
}

/// Go's `strings.TrimSpace` on bytes: Unicode white space at both ends, decoding UTF-8 where
/// the bytes are valid (written independently of the provider's own implementation).
fn go_trim_space(b: &[u8]) -> &[u8] {
    fn space_len_at_start(b: &[u8]) -> usize {
        (1..=b.len().min(3)).find_map(|n| std::str::from_utf8(&b[..n]).ok().and_then(|s| s.chars().next()).filter(|c| c.is_whitespace()).map(|_| n)).unwrap_or(0)
    }
    fn space_len_at_end(b: &[u8]) -> usize {
        (1..=b.len().min(3)).find_map(|n| std::str::from_utf8(&b[b.len() - n..]).ok().and_then(|s| s.chars().next()).filter(|c| c.is_whitespace() && c.len_utf8() == n).map(|_| n)).unwrap_or(0)
    }
    let mut b = b;
    while let n @ 1.. = space_len_at_start(b) {
        b = &b[n..];
    }
    while let n @ 1.. = space_len_at_end(b) {
        b = &b[..b.len() - n];
    }
    b
}

#[test]
fn go_trim_space_trims_like_go() {
    assert_eq!(go_trim_space(b" \t\x30\x20\x0a"), b"\x30");
    assert_eq!(go_trim_space(b"\x30\xc2\xa0"), b"\x30");
    assert_eq!(go_trim_space(b"\xa0\x30\xff"), b"\xa0\x30\xff");
}

#[tokio::test]
async fn private_keys_in_every_format_parse_with_openssl() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Option<&str>, &str); 6] = [
        ("RSA", None, "RSA PRIVATE KEY"),
        ("ECDSA", None, "EC PRIVATE KEY"), // default curve P224, as HashiCorp's
        ("ECDSA", Some("P256"), "EC PRIVATE KEY"),
        ("ECDSA", Some("P384"), "EC PRIVATE KEY"),
        ("ECDSA", Some("P521"), "EC PRIVATE KEY"),
        ("ED25519", None, "PRIVATE KEY"),
    ];
    for (alg, curve, label) in cases {
        let st = new_key(&*p, alg, curve).await;
        let what = format!("{alg}/{curve:?}");
        assert_eq!(st.get_attr("rsa_bits").and_then(Value::as_number).and_then(|n| n.to_i64()), Some(2048));
        assert_eq!(s(&st, "ecdsa_curve"), curve.unwrap_or("P224"));
        assert!(s(&st, "private_key_pem").starts_with(&format!("-----BEGIN {label}-----\n")), "{what}");
        assert!(s(&st, "private_key_pem_pkcs8").starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(s(&st, "public_key_pem").starts_with("-----BEGIN PUBLIC KEY-----\n"));

        let key = write(dir.path(), "key.pem", s(&st, "private_key_pem"));
        let pkcs8 = write(dir.path(), "key8.pem", s(&st, "private_key_pem_pkcs8"));
        let public = write(dir.path(), "pub.pem", s(&st, "public_key_pem"));
        // Both private encodings hold the same key, whose public half is public_key_pem.
        let from_pem = run("openssl", &["pkey", "-in", key.to_str().unwrap(), "-pubout"]);
        let from_pkcs8 = run("openssl", &["pkey", "-in", pkcs8.to_str().unwrap(), "-pubout"]);
        assert_eq!(from_pem, s(&st, "public_key_pem"), "{what}");
        assert_eq!(from_pkcs8, s(&st, "public_key_pem"), "{what}");
        run("openssl", &["pkey", "-in", key.to_str().unwrap(), "-check", "-noout"]);

        // id = hex SHA-1 of the DER public key, after HashiCorp's `hashForState` trimmed it as
        // if it were text (Go's strings.TrimSpace): a DER ending in, say, 0x20 loses that byte.
        let der = dir.path().join("pub.der");
        run("openssl", &["pkey", "-pubin", "-in", public.to_str().unwrap(), "-outform", "DER", "-out", der.to_str().unwrap()]);
        let trimmed = dir.path().join("pub.trimmed");
        std::fs::write(&trimmed, go_trim_space(&std::fs::read(&der).unwrap())).unwrap();
        let digest = run("openssl", &["dgst", "-sha1", "-r", trimmed.to_str().unwrap()]);
        assert_eq!(digest.split_whitespace().next().unwrap(), s(&st, "id"), "{what}");

        if curve.is_none() && alg == "ECDSA" {
            // P-224 has no SSH encoding: the OpenSSH attributes are empty, as HashiCorp's.
            assert_eq!(s(&st, "private_key_openssh"), "");
            assert_eq!(s(&st, "public_key_openssh"), "");
            assert_eq!(s(&st, "public_key_fingerprint_md5"), "");
            assert!(run("openssl", &["pkey", "-in", key.to_str().unwrap(), "-text", "-noout"]).contains("P-224"));
            continue;
        }
        let openssh_pub = s(&st, "public_key_openssh");
        assert!(openssh_pub.ends_with('\n'));
        assert!(s(&st, "public_key_fingerprint_sha256").starts_with("SHA256:"));
        assert_eq!(s(&st, "public_key_fingerprint_md5").split(':').count(), 16);
        if has("ssh-keygen") {
            let pubf = write(dir.path(), "id.pub", openssh_pub);
            let fp = run("ssh-keygen", &["-l", "-E", "sha256", "-f", pubf.to_str().unwrap()]);
            assert!(fp.contains(s(&st, "public_key_fingerprint_sha256")), "{what}: {fp}");
            let fp_md5 = run("ssh-keygen", &["-l", "-E", "md5", "-f", pubf.to_str().unwrap()]);
            assert!(fp_md5.contains(&format!("MD5:{}", s(&st, "public_key_fingerprint_md5"))), "{what}: {fp_md5}");
            // The OpenSSH private key loads and yields the same public key.
            let privf = write(dir.path(), "id", s(&st, "private_key_openssh"));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&privf, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
            let derived = run("ssh-keygen", &["-y", "-f", privf.to_str().unwrap()]);
            assert_eq!(derived.trim(), openssh_pub.trim(), "{what}");
        }

        // data "tls_public_key" from either private encoding gives the same attributes.
        for arg in ["private_key_pem", "private_key_openssh"] {
            let ds = read_data(&*p, "tls_public_key", vec![(arg, Value::string(s(&st, arg)))]).await.unwrap();
            for attr in ["id", "public_key_pem", "public_key_openssh", "public_key_fingerprint_md5", "public_key_fingerprint_sha256"] {
                assert_eq!(s(&ds, attr), s(&st, attr), "{what} {arg} {attr}");
            }
            assert_eq!(s(&ds, "algorithm"), alg);
        }
    }
}

#[tokio::test]
async fn private_key_validation_and_replacement() {
    let p = provider();
    let bad = config(&*p, "tls_private_key", vec![("algorithm", Value::string("DSA"))]);
    let d = p.validate_resource(&infra_provider_sdk::ValidateResourceRequest { type_name: "tls_private_key".into(), config: bad });
    assert!(d.iter().any(|d| d.summary == "Invalid Attribute Value Match" && d.detail.contains("\"DSA\"")), "{d:?}");
    let bad_curve =
        config(&*p, "tls_private_key", vec![("algorithm", Value::string("ECDSA")), ("ecdsa_curve", Value::string("P999"))]);
    let d = p.validate_resource(&infra_provider_sdk::ValidateResourceRequest { type_name: "tls_private_key".into(), config: bad_curve });
    assert!(d.has_errors());

    // Planning a create leaves generated attributes unknown and fills defaults.
    let cfg = config(&*p, "tls_private_key", vec![("algorithm", Value::string("ED25519"))]);
    let planned = plan(&*p, "tls_private_key", &Value::null(Type::Dynamic), &cfg).await.planned_state.unwrap();
    assert!(!planned.get_attr("private_key_pem").unwrap().is_known());
    assert_eq!(s(&planned, "ecdsa_curve"), "P224");
    let st = apply(&*p, "tls_private_key", &Value::null(Type::Dynamic), &planned, &cfg).await;

    // Refresh keeps the key; the same config plans no change; another algorithm replaces.
    assert!(refresh(&*p, "tls_private_key", &st).await.raw_equals(&st));
    assert!(plan(&*p, "tls_private_key", &st, &cfg).await.requires_replace.is_empty());
    let cfg2 = config(&*p, "tls_private_key", vec![("algorithm", Value::string("ECDSA")), ("ecdsa_curve", Value::string("P256"))]);
    let resp = plan(&*p, "tls_private_key", &st, &cfg2).await;
    let paths: Vec<String> = resp.requires_replace.iter().map(ToString::to_string).collect();
    assert_eq!(paths, vec!["algorithm", "ecdsa_curve"]);

    // Delete forgets.
    let gone = apply(&*p, "tls_private_key", &st, &Value::null(st.ty()), &Value::null(st.ty())).await;
    assert!(gone.is_null());
}

#[tokio::test]
async fn public_key_data_source_errors() {
    let p = provider();
    let err = read_data(&*p, "tls_public_key", vec![]).await.unwrap_err();
    assert!(err.contains("No attribute specified"), "{err}");
    let err = read_data(&*p, "tls_public_key", vec![("private_key_pem", Value::string("garbage"))]).await.unwrap_err();
    assert!(err.starts_with("Unable to parse private key"), "{err}");
}
