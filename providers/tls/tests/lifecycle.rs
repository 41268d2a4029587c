//! The operations the other tls tests leave out, per resource: refresh, replacement on a
//! changed argument and delete of `tls_self_signed_cert` and `tls_cert_request`, and delete of
//! `tls_locally_signed_cert` (HashiCorp's tls provider imports none of its resources).
//! Certificates made along the way are checked with `openssl`.

mod common;

use std::sync::Arc;

use common::*;
use infra_provider_sdk::{Provider, Value};

fn provider() -> Arc<dyn Provider> {
    (infra_provider_tls::factory().new)()
}

fn self_signed_config(p: &dyn Provider, key: &Value, cn: &str, hours: i64) -> Value {
    config(
        p,
        "tls_self_signed_cert",
        vec![
            ("private_key_pem", Value::string(s(key, "private_key_pem"))),
            ("subject", subject(p, "tls_self_signed_cert", &[("common_name", cn), ("organization", "Example Org")])),
            ("validity_period_hours", Value::from_i64(hours)),
            ("allowed_uses", str_list(&["cert_signing", "digital_signature"])),
            ("is_ca_certificate", Value::bool(true)),
        ],
    )
}

fn csr_config(p: &dyn Provider, key: &Value, dns: &[&str]) -> Value {
    config(
        p,
        "tls_cert_request",
        vec![
            ("private_key_pem", Value::string(s(key, "private_key_pem"))),
            ("subject", subject(p, "tls_cert_request", &[("common_name", dns.first().copied().unwrap_or("example.com"))])),
            ("dns_names", str_list(dns)),
        ],
    )
}

/// Delete as the engine does it: plan with a null configuration, apply to a null state.
async fn delete(p: &dyn Provider, type_name: &str, state: &Value) {
    let null = Value::null(state.ty());
    let planned = plan(p, type_name, state, &null).await.planned_state.unwrap_or_else(|| null.clone());
    assert!(planned.is_null(), "a delete plans a null object: {planned:?}");
    let after = apply(p, type_name, state, &planned, &null).await;
    assert!(after.is_null(), "a deleted object leaves no state: {after:?}");
}

#[tokio::test]
async fn self_signed_cert_refresh_replace_delete() {
    let p = provider();
    let dir = tempfile::tempdir().expect("tempdir");
    let key = new_key(&*p, "ECDSA", Some("P256")).await;
    let cfg = self_signed_config(&*p, &key, "Lifecycle CA", 24);
    let cert = create(&*p, "tls_self_signed_cert", &cfg).await;
    let pem = write(dir.path(), "ca.pem", s(&cert, "cert_pem"));
    let out = run("openssl", &["verify", "-CAfile", pem.to_str().unwrap_or_default(), pem.to_str().unwrap_or_default()]);
    assert!(out.contains(": OK"), "{out}");

    // Refresh keeps an unexpired certificate; the same configuration plans no change.
    let refreshed = refresh(&*p, "tls_self_signed_cert", &cert).await;
    assert!(refreshed.raw_equals(&cert));
    let again = plan(&*p, "tls_self_signed_cert", &refreshed, &cfg).await;
    assert!(again.requires_replace.is_empty(), "{:?}", again.requires_replace);
    assert!(again.planned_state.is_some_and(|v| v.raw_equals(&cert)));

    // A changed subject and a changed validity each force a replacement; the replacement is a
    // new certificate that verifies too.
    for (changed, attr) in [(self_signed_config(&*p, &key, "Renamed CA", 24), "subject"), (self_signed_config(&*p, &key, "Lifecycle CA", 48), "validity_period_hours")] {
        let resp = plan(&*p, "tls_self_signed_cert", &cert, &changed).await;
        let paths: Vec<String> = resp.requires_replace.iter().map(ToString::to_string).collect();
        assert!(paths.iter().any(|p| p.starts_with(attr)), "{attr}: {paths:?}");
    }
    let renamed = create(&*p, "tls_self_signed_cert", &self_signed_config(&*p, &key, "Renamed CA", 24)).await;
    assert_ne!(s(&renamed, "cert_pem"), s(&cert, "cert_pem"));
    let text = run("openssl", &["x509", "-in", write(dir.path(), "renamed.pem", s(&renamed, "cert_pem")).to_str().unwrap_or_default(), "-noout", "-subject"]);
    assert!(text.contains("CN = Renamed CA"), "{text}");

    delete(&*p, "tls_self_signed_cert", &cert).await;
}

#[tokio::test]
async fn cert_request_refresh_replace_delete() {
    let p = provider();
    let dir = tempfile::tempdir().expect("tempdir");
    let key = new_key(&*p, "RSA", None).await;
    let cfg = csr_config(&*p, &key, &["a.example.com"]);
    let req = create(&*p, "tls_cert_request", &cfg).await;
    let out = run("openssl", &["req", "-in", write(dir.path(), "a.csr", s(&req, "cert_request_pem")).to_str().unwrap_or_default(), "-noout", "-verify", "-text"]);
    assert!(out.contains("DNS:a.example.com"), "{out}");

    let refreshed = refresh(&*p, "tls_cert_request", &req).await;
    assert!(refreshed.raw_equals(&req));
    let again = plan(&*p, "tls_cert_request", &refreshed, &cfg).await;
    assert!(again.requires_replace.is_empty(), "{:?}", again.requires_replace);

    // New names, or another key, make a new request.
    let more = csr_config(&*p, &key, &["a.example.com", "b.example.com"]);
    let resp = plan(&*p, "tls_cert_request", &req, &more).await;
    let paths: Vec<String> = resp.requires_replace.iter().map(ToString::to_string).collect();
    assert!(paths.iter().any(|p| p.starts_with("dns_names")), "{paths:?}");
    let other_key = new_key(&*p, "ED25519", None).await;
    let resp = plan(&*p, "tls_cert_request", &req, &csr_config(&*p, &other_key, &["a.example.com"])).await;
    let paths: Vec<String> = resp.requires_replace.iter().map(ToString::to_string).collect();
    assert!(paths.iter().any(|p| p.starts_with("private_key_pem")), "{paths:?}");
    let replaced = create(&*p, "tls_cert_request", &more).await;
    let out = run("openssl", &["req", "-in", write(dir.path(), "b.csr", s(&replaced, "cert_request_pem")).to_str().unwrap_or_default(), "-noout", "-verify", "-text"]);
    assert!(out.contains("DNS:a.example.com, DNS:b.example.com"), "{out}");

    delete(&*p, "tls_cert_request", &req).await;
}

#[tokio::test]
async fn locally_signed_cert_delete() {
    let p = provider();
    let ca_key = new_key(&*p, "ECDSA", Some("P384")).await;
    let ca = create(&*p, "tls_self_signed_cert", &self_signed_config(&*p, &ca_key, "Signing CA", 24)).await;
    let leaf_key = new_key(&*p, "ECDSA", Some("P256")).await;
    let req = create(&*p, "tls_cert_request", &csr_config(&*p, &leaf_key, &["leaf.example.com"])).await;
    let cfg = config(
        &*p,
        "tls_locally_signed_cert",
        vec![
            ("cert_request_pem", Value::string(s(&req, "cert_request_pem"))),
            ("ca_private_key_pem", Value::string(s(&ca_key, "private_key_pem"))),
            ("ca_cert_pem", Value::string(s(&ca, "cert_pem"))),
            ("validity_period_hours", Value::from_i64(12)),
            ("allowed_uses", str_list(&["server_auth"])),
        ],
    );
    let leaf = create(&*p, "tls_locally_signed_cert", &cfg).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca_pem = write(dir.path(), "ca.pem", s(&ca, "cert_pem"));
    let leaf_pem = write(dir.path(), "leaf.pem", s(&leaf, "cert_pem"));
    let out = run("openssl", &["verify", "-CAfile", ca_pem.to_str().unwrap_or_default(), leaf_pem.to_str().unwrap_or_default()]);
    assert!(out.contains(": OK"), "{out}");
    delete(&*p, "tls_locally_signed_cert", &leaf).await;
    delete(&*p, "tls_cert_request", &req).await;
    delete(&*p, "tls_self_signed_cert", &ca).await;
    delete(&*p, "tls_private_key", &leaf_key).await;
}
