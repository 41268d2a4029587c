//! Certificates: `tls_self_signed_cert`, `tls_cert_request`, `tls_locally_signed_cert` and
//! `data "tls_certificate"`, verified with the openssl CLI.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::*;
use infra_provider_sdk::{Provider, Type, Value};

fn provider() -> Arc<dyn Provider> {
    (infra_provider_tls::factory().new)()
}

fn n(i: i64) -> Value {
    Value::from_i64(i)
}

async fn ca_cert(p: &dyn Provider, key: &Value) -> Value {
    let cfg = config(
        p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string(s(key, "private_key_pem"))),
            ("subject", subject(p, "tls_self_signed_cert", &[("common_name", "Example CA"), ("organization", "Example Org"), ("country", "US")])),
            ("validity_period_hours", n(24)),
            ("allowed_uses", str_list(&["cert_signing", "crl_signing", "digital_signature"])),
            ("is_ca_certificate", Value::bool(true)),
            ("set_subject_key_id", Value::bool(true)),
            ("set_authority_key_id", Value::bool(true)),
        ],
    );
    create(p, "tls_self_signed_cert", &cfg).await
}

async fn csr(p: &dyn Provider, key: &Value) -> Value {
    let cfg = config(
        p,
        "tls_cert_request",
        vec![
            ("private_key_pem", Value::string(s(key, "private_key_pem"))),
            (
                "subject",
                subject(p, "tls_cert_request", &[("common_name", "example.com"), ("organizational_unit", "Web"), ("locality", "Paris")]),
            ),
            ("dns_names", str_list(&["example.com", "www.example.com"])),
            ("ip_addresses", str_list(&["127.0.0.1", "::1"])),
            ("uris", str_list(&["spiffe://example.com/web"])),
        ],
    );
    create(p, "tls_cert_request", &cfg).await
}

fn leaf_config(p: &dyn Provider, ca_key: &Value, ca: &Value, req: &Value, hours: i64, early: i64) -> Value {
    config(
        p,
        "tls_locally_signed_cert",
        vec![
            ("cert_request_pem", Value::string(s(req, "cert_request_pem"))),
            ("ca_private_key_pem", Value::string(s(ca_key, "private_key_pem"))),
            ("ca_cert_pem", Value::string(s(ca, "cert_pem"))),
            ("validity_period_hours", n(hours)),
            ("early_renewal_hours", n(early)),
            ("allowed_uses", str_list(&["key_encipherment", "digital_signature", "server_auth", "client_auth"])),
        ],
    )
}

fn x509_text(dir: &std::path::Path, pem: &str) -> String {
    let f = write(dir, "x.pem", pem);
    run("openssl", &["x509", "-in", f.to_str().unwrap(), "-noout", "-text"])
}

#[tokio::test]
async fn ca_and_locally_signed_certs_verify_with_openssl() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    // Mixed algorithms: the CA key and the leaf key differ.
    for (ca_alg, ca_curve, leaf_alg, leaf_curve) in
        [("ECDSA", Some("P256"), "ED25519", None), ("RSA", None, "ECDSA", Some("P384")), ("ED25519", None, "RSA", None)]
    {
        let ca_key = new_key(&*p, ca_alg, ca_curve).await;
        let ca = ca_cert(&*p, &ca_key).await;
        assert_eq!(s(&ca, "key_algorithm"), ca_alg);
        assert!(!b(&ca, "ready_for_renewal"));
        let ca_pem = write(dir.path(), "ca.pem", s(&ca, "cert_pem"));
        // A self-signed CA verifies against itself.
        let out = run("openssl", &["verify", "-CAfile", ca_pem.to_str().unwrap(), ca_pem.to_str().unwrap()]);
        assert!(out.contains(": OK"), "{out}");
        let text = x509_text(dir.path(), s(&ca, "cert_pem"));
        assert!(text.contains("CA:TRUE"), "{text}");
        assert!(text.contains("Certificate Sign, CRL Sign"), "{text}");
        assert!(text.contains("Subject: C = US, O = Example Org, CN = Example CA"), "{text}");
        assert!(text.contains("Subject Key Identifier") && text.contains("Authority Key Identifier"), "{text}");
        // The id is the decimal serial number.
        let serial = run("openssl", &["x509", "-in", ca_pem.to_str().unwrap(), "-noout", "-serial"]);
        let hex_serial = serial.trim().trim_start_matches("serial=");
        let from_hex = num_from_hex(hex_serial);
        assert_eq!(from_hex, s(&ca, "id"));

        let leaf_key = new_key(&*p, leaf_alg, leaf_curve).await;
        let req = csr(&*p, &leaf_key).await;
        assert_eq!(s(&req, "key_algorithm"), leaf_alg);
        let req_pem = write(dir.path(), "req.pem", s(&req, "cert_request_pem"));
        let out = run("openssl", &["req", "-in", req_pem.to_str().unwrap(), "-noout", "-verify", "-text"]);
        assert!(out.contains("DNS:example.com, DNS:www.example.com"), "{out}");
        assert!(out.contains("CN = example.com"), "{out}");

        let leaf = create(&*p, "tls_locally_signed_cert", &leaf_config(&*p, &ca_key, &ca, &req, 48, 0)).await;
        assert_eq!(s(&leaf, "ca_key_algorithm"), ca_alg);
        let leaf_pem = write(dir.path(), "leaf.pem", s(&leaf, "cert_pem"));
        let out = run("openssl", &["verify", "-CAfile", ca_pem.to_str().unwrap(), leaf_pem.to_str().unwrap()]);
        assert!(out.contains(": OK"), "{ca_alg}->{leaf_alg}: {out}");
        let text = x509_text(dir.path(), s(&leaf, "cert_pem"));
        for want in [
            "Issuer: C = US, O = Example Org, CN = Example CA",
            "Subject: L = Paris, OU = Web, CN = example.com",
            "DNS:example.com, DNS:www.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://example.com/web",
            "Digital Signature, Key Encipherment",
            "TLS Web Server Authentication, TLS Web Client Authentication",
            "CA:FALSE",
            "Authority Key Identifier",
        ] {
            assert!(text.contains(want), "{ca_alg}->{leaf_alg}: missing {want:?} in\n{text}");
        }
        // Validity is what was asked: 48 hours.
        let start = DateTime::parse_from_rfc3339(s(&leaf, "validity_start_time")).unwrap();
        let end = DateTime::parse_from_rfc3339(s(&leaf, "validity_end_time")).unwrap();
        assert_eq!((end - start).num_hours(), 48);
        // A plain refresh keeps the state.
        assert!(refresh(&*p, "tls_locally_signed_cert", &leaf).await.raw_equals(&leaf));
    }
}

fn num_from_hex(h: &str) -> String {
    // Decimal of a hex serial, by repeated doubling in base 10 (serials are up to 128 bits).
    let mut digits: Vec<u8> = vec![0];
    for c in h.chars() {
        let v = c.to_digit(16).unwrap() as u8;
        let mut carry = v as u32;
        for d in digits.iter_mut() {
            let x = *d as u32 * 16 + carry;
            *d = (x % 10) as u8;
            carry = x / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    let s: String = digits.iter().rev().map(|d| char::from(b'0' + d)).collect();
    let t = s.trim_start_matches('0');
    if t.is_empty() { "0".into() } else { t.into() }
}

#[tokio::test]
async fn self_signed_server_cert_with_sans() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let key = new_key(&*p, "ECDSA", Some("P384")).await;
    let cfg = config(
        &*p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string(s(&key, "private_key_pem"))),
            ("subject", subject(&*p, "tls_self_signed_cert", &[("common_name", "localhost"), ("email_address", "ops@example.com")])),
            ("dns_names", str_list(&["localhost"])),
            ("ip_addresses", str_list(&["127.0.0.1"])),
            ("validity_period_hours", n(1)),
            ("allowed_uses", str_list(&["key_encipherment", "digital_signature", "server_auth"])),
        ],
    );
    let st = create(&*p, "tls_self_signed_cert", &cfg).await;
    let text = x509_text(dir.path(), s(&st, "cert_pem"));
    assert!(text.contains("ecdsa-with-SHA384"), "{text}");
    assert!(text.contains("emailAddress = ops@example.com"), "{text}");
    assert!(text.contains("DNS:localhost, IP Address:127.0.0.1"), "{text}");
    assert!(text.contains("CA:FALSE"), "{text}");
    let f = write(dir.path(), "self.pem", s(&st, "cert_pem"));
    let out = run("openssl", &["verify", "-CAfile", f.to_str().unwrap(), "-partial_chain", f.to_str().unwrap()]);
    assert!(out.contains(": OK"), "{out}");
}

#[tokio::test]
async fn ca_requires_a_subject_and_bad_input_is_diagnosed() {
    let p = provider();
    let key = new_key(&*p, "ED25519", None).await;
    let cfg = config(
        &*p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string(s(&key, "private_key_pem"))),
            ("validity_period_hours", n(1)),
            ("allowed_uses", str_list(&["cert_signing"])),
            ("is_ca_certificate", Value::bool(true)),
        ],
    );
    let null = Value::null(Type::Dynamic);
    let planned = plan(&*p, "tls_self_signed_cert", &null, &cfg).await.planned_state.unwrap();
    let resp = apply_raw(&*p, "tls_self_signed_cert", &null, &planned, &cfg).await;
    assert_eq!(resp.diagnostics.0[0].summary, "Invalid Certificate Subject");

    let cfg = config(
        &*p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string("not a key")),
            ("validity_period_hours", n(1)),
            ("allowed_uses", str_list(&["server_auth"])),
        ],
    );
    let planned = plan(&*p, "tls_self_signed_cert", &null, &cfg).await.planned_state.unwrap();
    let resp = apply_raw(&*p, "tls_self_signed_cert", &null, &planned, &cfg).await;
    assert_eq!(resp.diagnostics.0[0].summary, "Failed to parse private key PEM");

    let bad_use = config(
        &*p,
        "tls_self_signed_cert",
        vec![("private_key_pem", Value::string("x")), ("validity_period_hours", n(-1)), ("allowed_uses", str_list(&["flying"]))],
    );
    let d = p.validate_resource(&infra_provider_sdk::ValidateResourceRequest { type_name: "tls_self_signed_cert".into(), config: bad_use });
    let details: Vec<&str> = d.iter().map(|d| d.detail.as_str()).collect();
    assert!(details.iter().any(|d| d.starts_with("Attribute allowed_uses[0] value must be one of")), "{details:?}");
    assert!(details.iter().any(|d| *d == "Attribute validity_period_hours value must be at least 0, got: -1"), "{details:?}");
}

fn far_future() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::days(400)
}

#[tokio::test]
async fn renewal_and_replacement() {
    let p = provider();
    let ca_key = new_key(&*p, "ECDSA", Some("P256")).await;
    let ca = ca_cert(&*p, &ca_key).await;
    let leaf_key = new_key(&*p, "ECDSA", Some("P256")).await;
    let req = csr(&*p, &leaf_key).await;
    let cfg = leaf_config(&*p, &ca_key, &ca, &req, 24 * 30, 24);
    let leaf = create(&*p, "tls_locally_signed_cert", &cfg).await;

    // Now: not due; the same config plans nothing.
    let resp = plan(&*p, "tls_locally_signed_cert", &leaf, &cfg).await;
    assert!(resp.requires_replace.is_empty(), "{:?}", resp.requires_replace);
    assert_eq!(resp.planned_state.unwrap().get_attr("ready_for_renewal").and_then(Value::as_bool), Some(false));

    // Changing early_renewal_hours is an in-place update.
    let cfg_early = leaf_config(&*p, &ca_key, &ca, &req, 24 * 30, 48);
    let resp = plan(&*p, "tls_locally_signed_cert", &leaf, &cfg_early).await;
    assert!(resp.requires_replace.is_empty());
    let updated = apply(&*p, "tls_locally_signed_cert", &leaf, &resp.planned_state.unwrap(), &cfg_early).await;
    assert_eq!(s(&updated, "cert_pem"), s(&leaf, "cert_pem"));

    // Changing validity forces replacement.
    let cfg_longer = leaf_config(&*p, &ca_key, &ca, &req, 24 * 60, 24);
    let resp = plan(&*p, "tls_locally_signed_cert", &leaf, &cfg_longer).await;
    assert_eq!(resp.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["validity_period_hours"]);

    // A different CSR (a PEM string in state) forces replacement.
    let other_req = csr(&*p, &new_key(&*p, "ED25519", None).await).await;
    let cfg_other = leaf_config(&*p, &ca_key, &ca, &other_req, 24 * 30, 24);
    let resp = plan(&*p, "tls_locally_signed_cert", &leaf, &cfg_other).await;
    assert_eq!(resp.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["cert_request_pem"]);

    // In 400 days the certificate has expired: refresh marks it, plan replaces it.
    let later: Arc<dyn Provider> = Arc::new(infra_provider_tls::TlsProvider::with_clock(far_future));
    let refreshed = refresh(&*later, "tls_locally_signed_cert", &leaf).await;
    assert!(b(&refreshed, "ready_for_renewal"));
    let resp = plan(&*later, "tls_locally_signed_cert", &refreshed, &cfg).await;
    assert_eq!(resp.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), vec!["ready_for_renewal"]);
    assert!(!resp.planned_state.unwrap().get_attr("ready_for_renewal").unwrap().is_known());
    // The engine then plans the replacement as a create, which gets a fresh certificate.
    let replacement = create(&*later, "tls_locally_signed_cert", &cfg).await;
    assert_ne!(s(&replacement, "cert_pem"), s(&leaf, "cert_pem"));

    // Self-signed certificates renew the same way; validity 0 is born ready for renewal.
    let refreshed_ca = refresh(&*later, "tls_self_signed_cert", &ca).await;
    assert!(b(&refreshed_ca, "ready_for_renewal"));
    let zero = config(
        &*p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string(s(&ca_key, "private_key_pem"))),
            ("validity_period_hours", n(0)),
            ("allowed_uses", str_list(&["server_auth"])),
        ],
    );
    let planned = plan(&*p, "tls_self_signed_cert", &Value::null(Type::Dynamic), &zero).await.planned_state.unwrap();
    assert_eq!(planned.get_attr("ready_for_renewal").and_then(Value::as_bool), Some(true));
}

#[tokio::test]
async fn certificate_data_source_from_content() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let key = new_key(&*p, "ECDSA", Some("P256")).await;
    let ca = ca_cert(&*p, &key).await;
    let st = read_data(&*p, "tls_certificate", vec![("content", Value::string(s(&ca, "cert_pem")))]).await.unwrap();
    let certs = st.get_attr("certificates").and_then(Value::as_elements).unwrap();
    assert_eq!(certs.len(), 1);
    let c = &certs[0];
    assert_eq!(s(c, "subject"), "CN=Example CA,O=Example Org,C=US");
    assert_eq!(s(c, "issuer"), "CN=Example CA,O=Example Org,C=US");
    assert_eq!(s(c, "signature_algorithm"), "ECDSA-SHA256");
    assert_eq!(s(c, "public_key_algorithm"), "ECDSA");
    assert_eq!(s(c, "serial_number"), s(&ca, "id"));
    assert!(b(c, "is_ca"));
    assert_eq!(c.get_attr("version").and_then(Value::as_number).and_then(|n| n.to_i64()), Some(3));
    assert_eq!(c.get_attr("max_path_length").and_then(Value::as_number).and_then(|n| n.to_i64()), Some(-1));
    assert_eq!(s(c, "cert_pem"), s(&ca, "cert_pem"));
    let f = write(dir.path(), "ca.pem", s(&ca, "cert_pem"));
    let fp = run("openssl", &["x509", "-in", f.to_str().unwrap(), "-noout", "-fingerprint", "-sha1"]);
    let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase();
    assert_eq!(s(c, "sha1_fingerprint"), fp);
    let nb = run("openssl", &["x509", "-in", f.to_str().unwrap(), "-noout", "-startdate", "-dateopt", "iso_8601"]);
    assert!(nb.contains(&s(c, "not_before").replace('T', " ")), "{nb} vs {}", s(c, "not_before"));
    assert_eq!(s(&st, "id").len(), 40);

    // Errors: not PEM, wrong PEM type, both or neither source.
    let err = read_data(&*p, "tls_certificate", vec![("content", Value::string("nope"))]).await.unwrap_err();
    assert!(err.starts_with("Failed to decoded PEM"), "{err}");
    let err = read_data(&*p, "tls_certificate", vec![("content", Value::string(s(&key, "public_key_pem")))]).await.unwrap_err();
    assert!(err.starts_with("Unexpected PEM preamble"), "{err}");
    let err = read_data(&*p, "tls_certificate", vec![]).await.unwrap_err();
    assert!(err.contains("No attribute specified"), "{err}");
    let err = read_data(&*p, "tls_certificate", vec![("url", Value::string("ftp://example.com"))]).await.unwrap_err();
    assert!(err.starts_with("Invalid URL scheme"), "{err}");
    let err = read_data(&*p, "tls_certificate", vec![("url", Value::string("tls://example.com"))]).await.unwrap_err();
    assert!(err.starts_with("URL malformed"), "{err}");
}

/// Serves `cert` (signed by `ca`) with `openssl s_server` on a loopback port, and fetches the
/// chain through `url`.
#[tokio::test]
async fn certificate_data_source_from_local_tls_server() {
    let p = provider();
    let dir = tempfile::tempdir().unwrap();
    let ca_key = new_key(&*p, "ECDSA", Some("P256")).await;
    let ca = ca_cert(&*p, &ca_key).await;
    let leaf_key = new_key(&*p, "ECDSA", Some("P256")).await;
    let req = csr(&*p, &leaf_key).await;
    let leaf = create(&*p, "tls_locally_signed_cert", &leaf_config(&*p, &ca_key, &ca, &req, 24, 0)).await;
    let cert_f = write(dir.path(), "leaf.pem", s(&leaf, "cert_pem"));
    let key_f = write(dir.path(), "leaf.key", s(&leaf_key, "private_key_pem"));
    let ca_f = write(dir.path(), "ca.pem", s(&ca, "cert_pem"));

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new("openssl")
        .args(["s_server", "-quiet", "-accept", &format!("127.0.0.1:{port}")])
        .args(["-cert", cert_f.to_str().unwrap(), "-key", key_f.to_str().unwrap(), "-cert_chain", ca_f.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 10, "openssl s_server did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let url = format!("tls://127.0.0.1:{port}");
    let fetched = read_data(&*p, "tls_certificate", vec![("url", Value::string(&url)), ("verify_chain", Value::bool(false))]).await;
    // The chain is not signed by a public root: verification fails.
    let https = format!("https://127.0.0.1:{port}/");
    let verified = read_data(&*p, "tls_certificate", vec![("url", Value::string(&https))]).await;
    let _ = server.kill();
    let _ = server.wait();

    let st = fetched.unwrap();
    let certs = st.get_attr("certificates").and_then(Value::as_elements).unwrap();
    assert_eq!(certs.len(), 2, "leaf and CA");
    // Root first, as HashiCorp's provider orders them.
    assert_eq!(s(&certs[0], "cert_pem"), s(&ca, "cert_pem"));
    assert_eq!(s(&certs[1], "cert_pem"), s(&leaf, "cert_pem"));
    assert_eq!(s(&certs[1], "subject"), "CN=example.com,OU=Web,L=Paris");
    let err = verified.unwrap_err();
    assert!(err.starts_with("Failed to identify fetch peer certificates"), "{err}");
}
