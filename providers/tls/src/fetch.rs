//! Fetching the certificate chain a TLS server presents, for `data "tls_certificate"` with
//! `url`. `https://` and `tls://` URLs both come down to a TLS handshake: the peer certificates
//! are all we need, so no HTTP request is sent.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// Time allowed for connecting and for each read or write of the handshake.
const IO_TIMEOUT: Duration = Duration::from_secs(30);

/// The parts of a URL the data source uses.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub scheme: String,
    /// Host name or IP address, without brackets.
    pub host: String,
    pub port: Option<u16>,
}

/// Splits `scheme://[user@]host[:port][/...]`. Errors are Go-like messages.
pub fn parse_url(url: &str) -> Result<Target, String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("URL {url:?} contains no host"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.is_empty() {
        return Err(format!("URL {url:?} contains no host"));
    }
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        let (h, after) = stripped.split_once(']').ok_or_else(|| format!("parse {url:?}: missing ']' in host"))?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| format!("parse {url:?}: invalid port {:?} after host", format!(":{p}")))?),
    };
    Ok(Target { scheme: scheme.to_ascii_lowercase(), host, port })
}

/// Connects to `host:port`, completes a TLS handshake and returns the peer's certificates,
/// leaf first. With `verify_chain`, the chain must verify against the Mozilla root set.
pub fn peer_certificates(host: &str, port: u16, verify_chain: bool) -> Result<Vec<Vec<u8>>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = if verify_chain {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AcceptAny(provider))).with_no_client_auth()
    };
    let server_name = ServerName::try_from(host.to_string()).map_err(|e| format!("invalid server name {host:?}: {e}"))?;
    let mut conn = rustls::ClientConnection::new(Arc::new(config), server_name).map_err(|e| e.to_string())?;

    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("dial tcp {host}:{port}: {e}"))?
        .next()
        .ok_or_else(|| format!("dial tcp {host}:{port}: no addresses"))?;
    let mut sock = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| format!("dial tcp {addr}: {e}"))?;
    let set = |r: io::Result<()>| r.map_err(|e| e.to_string());
    set(sock.set_read_timeout(Some(IO_TIMEOUT)))?;
    set(sock.set_write_timeout(Some(IO_TIMEOUT)))?;
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).map_err(|e| format!("tls: {e}"))?;
    }
    let certs = conn.peer_certificates().map(|cs| cs.iter().map(|c| c.as_ref().to_vec()).collect()).unwrap_or_default();
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
    Ok(certs)
}

/// `verify_chain = false`: accept any server certificate, but still check the handshake
/// signatures so the certificates we report are the ones the server holds keys for.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("https://example.com/path").unwrap(),
            Target { scheme: "https".into(), host: "example.com".into(), port: None }
        );
        assert_eq!(
            parse_url("tls://[::1]:8443").unwrap(),
            Target { scheme: "tls".into(), host: "::1".into(), port: Some(8443) }
        );
        assert!(parse_url("https://").is_err());
        assert!(parse_url("example.com").is_err());
        assert!(parse_url("https://h:99999").is_err());
    }
}
