//! TLS for `https://` and `wss://` endpoints: one rustls client configuration for both chains.
//!
//! * **Stack**: rustls with the *ring* crypto provider. jsonrpsee (subxt's WebSocket client)
//!   already links exactly that for `wss://`, so the EVM side ([`crate::rpc`]) reuses it and
//!   the relayer has one TLS stack; ring builds with a C compiler alone (aws-lc-rs, reqwest's
//!   default, wants a much longer C build and would be a second provider in the same binary).
//! * **Roots**: the operating system's store, read through `rustls-native-certs` (already in
//!   the build through jsonrpsee's platform verifier), plus `tls.ca_file`. The system store is
//!   what operators already manage — `ca-certificates` updates, a company CA installed once for
//!   every program — while compiled-in roots (webpki-roots) would go stale with the binary and
//!   need a release to change. The cost is that a minimal container needs its CA bundle
//!   installed; without one, and without `ca_file`, a TLS endpoint is refused up front with that
//!   advice rather than failing every handshake. `tls.system_roots = false` trusts `ca_file`
//!   only (a private network with its own CA).
//!
//! Handshake failures are found in an error's source chain ([`failure`]) and explained once —
//! an unknown issuer points at `tls.ca_file` — whichever client (hyper or jsonrpsee) hit them.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tao_client::TaoClient;
use url::Url;

use crate::config::TlsConfig;
use crate::error::{RelayerError, TlsError};

/// The trust settings, built once and shared by every connection.
#[derive(Clone, Debug)]
pub struct ClientTls {
    config: Arc<ClientConfig>,
    roots: usize,
}

impl ClientTls {
    /// Load the roots `config` asks for.
    pub fn new(config: &TlsConfig) -> Result<Self, TlsError> {
        let mut roots = RootCertStore::empty();
        if config.system_roots {
            let found = rustls_native_certs::load_native_certs();
            for error in &found.errors {
                tracing::debug!(target: "relayer::tls", %error, "skipping part of the system's root store");
            }
            let (added, ignored) = roots.add_parsable_certificates(found.certs);
            tracing::debug!(target: "relayer::tls", added, ignored, "system root certificates");
        }
        if let Some(path) = &config.ca_file {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(Iterator::collect)
                .map_err(|e| TlsError::CaFile { path: path.clone(), reason: e.to_string() })?;
            if certs.is_empty() {
                return Err(TlsError::CaFile {
                    path: path.clone(),
                    reason: "no certificate in it (expected PEM `-----BEGIN CERTIFICATE-----` \
                             blocks)"
                        .into(),
                });
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| TlsError::CaFile { path: path.clone(), reason: e.to_string() })?;
            }
        }
        let count = roots.len();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self { config: Arc::new(config), roots: count })
    }

    /// The rustls configuration (no ALPN; hyper adds `http/1.1` to its copy).
    pub fn client_config(&self) -> &ClientConfig {
        &self.config
    }

    /// How many root certificates are trusted.
    pub fn roots(&self) -> usize {
        self.roots
    }

    /// Refuse a TLS `url` when nothing is trusted (it would fail every handshake).
    pub fn check(&self, url: &Url) -> Result<(), TlsError> {
        if matches!(url.scheme(), "https" | "wss") && self.roots == 0 {
            return Err(TlsError::NoRoots { url: url.to_string() });
        }
        Ok(())
    }

    /// Connect to tao-node at `url` (`ws://` or `wss://`, verified with these roots).
    pub async fn connect_tao(&self, url: &Url) -> Result<TaoClient, RelayerError> {
        self.check(url)?;
        TaoClient::connect_with_tls(url.as_str(), self.client_config().clone()).await.map_err(|e| {
            match failure(&e) {
                Some(failure) => TlsError::Handshake { url: url.to_string(), failure }.into(),
                None => e.into(),
            }
        })
    }
}

/// A TLS error from a handshake, with what to do about it.
#[derive(Clone, Debug)]
pub struct TlsFailure(rustls::Error);

impl TlsFailure {
    /// rustls's error.
    pub fn error(&self) -> &rustls::Error {
        &self.0
    }
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rustls::Error::InvalidCertificate(cert) = &self.0 else {
            return write!(f, "{}", self.0);
        };
        match cert {
            CertificateError::UnknownIssuer => write!(
                f,
                "the server's certificate is not signed by a trusted CA ({}); if a private CA \
                 signed it, trust that CA with `tls.ca_file` (WTAO_RELAYER_TLS_CA_FILE)",
                self.0
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                write!(
                    f,
                    "the server's certificate is not valid for this host name ({}); use a name \
                     the certificate lists",
                    self.0
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                write!(f, "the server's certificate has expired ({})", self.0)
            }
            _ => write!(f, "the server's certificate was refused ({})", self.0),
        }
    }
}

/// The TLS failure somewhere in `err`'s source chain, if there is one: a rustls error, or a
/// [`TlsError::Handshake`] that explained one already. Looks inside `std::io::Error`s, whose
/// `source()` skips the error they wrap (where tokio-rustls puts rustls's).
pub fn failure(err: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return Some(TlsFailure(r.clone()));
        }
        // Already explained, e.g. by the EVM transport under alloy's error.
        if let Some(TlsError::Handshake { failure, .. }) = e.downcast_ref::<TlsError>() {
            return Some(failure.clone());
        }
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(found) = failure(inner) {
                return Some(found);
            }
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rustls_inside_io_errors() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        #[derive(Debug, thiserror::Error)]
        #[error("connect failed")]
        struct Outer(#[source] std::io::Error);
        let found = failure(&Outer(io)).expect("found");
        let text = found.to_string();
        assert!(
            text.contains("not signed by a trusted CA") && text.contains("tls.ca_file"),
            "{text}"
        );
        assert!(failure(&std::io::Error::other("plain")).is_none());
    }

    #[test]
    fn nothing_trusted_refuses_tls_urls_only() {
        let tls = ClientTls::new(&TlsConfig { ca_file: None, system_roots: false }).unwrap();
        assert_eq!(tls.roots(), 0);
        tls.check(&"http://127.0.0.1:8545".parse().unwrap()).unwrap();
        let err = tls.check(&"wss://example.org".parse().unwrap()).unwrap_err().to_string();
        assert!(err.contains("ca-certificates") && err.contains("tls.ca_file"), "{err}");
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = ClientTls::new(&TlsConfig { ca_file: Some(path.clone()), system_roots: false })
            .unwrap_err();
        assert!(err.to_string().contains("no certificate"), "{err}");
        let err = ClientTls::new(&TlsConfig {
            ca_file: Some(dir.path().join("missing.pem")),
            system_roots: false,
        })
        .unwrap_err();
        assert!(err.to_string().contains("missing.pem"), "{err}");
    }
}
