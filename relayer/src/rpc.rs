//! The EVM JSON-RPC transport: HTTP/1.1 over hyper, `https://` through rustls with the
//! relayer's own [`ClientTls`] (roots and `tls.ca_file`).
//!
//! Why not alloy's reqwest transport: reqwest 0.13 brings TLS either with aws-lc-rs (a second
//! crypto stack beside the ring that jsonrpsee already uses for `wss://`) or with no provider at
//! all — and then *every* `reqwest::Client` built in the same cargo build (the e2e harness's
//! alloy providers too, through feature unification) panics unless someone installed a process
//! default first. A transport of our own keeps TLS where it is configured, with one crypto
//! provider for both chains, and leaves reqwest as it is for everyone else.
//!
//! It is a `tower::Service<RequestPacket>` like alloy's own HTTP transports, so the provider,
//! `sol!` bindings and any later tower layer (retries, failover, timing) stack on it unchanged.

use std::task::{Context, Poll};
use std::time::Duration;

use alloy::rpc::json_rpc::{RequestPacket, ResponsePacket};
use alloy::transports::{TransportError, TransportErrorKind, TransportFut};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

use crate::error::TlsError;
use crate::tls::{self, ClientTls};

/// How long to wait for a TCP connection (and no longer: an unreachable endpoint is an error the
/// caller retries, not a hang).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A JSON-RPC endpoint over `http://` or `https://`.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    url: Url,
    uri: http::Uri,
}

impl HttpTransport {
    /// A transport to `url`; `https://` is verified against `tls`.
    pub fn new(url: &Url, tls: &ClientTls) -> Result<Self, TlsError> {
        let uri: http::Uri = url.as_str().parse().map_err(|e: http::uri::InvalidUri| {
            TlsError::Url { url: url.to_string(), reason: e.to_string() }
        })?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls.client_config().clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self { client, url: url.clone(), uri })
    }

    /// The endpoint.
    pub fn url(&self) -> &Url {
        &self.url
    }

    async fn send(self, packet: RequestPacket) -> Result<ResponsePacket, TransportError> {
        let body = serde_json::to_vec(&packet).map_err(TransportError::ser_err)?;
        let mut request = http::Request::post(self.uri.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(TransportErrorKind::custom)?;
        request.headers_mut().extend(packet.headers());
        let response = self.client.request(request).await.map_err(|e| match tls::failure(&e) {
            Some(failure) => TransportErrorKind::custom(TlsError::Handshake {
                url: self.url.to_string(),
                failure,
            }),
            None => TransportErrorKind::custom(e),
        })?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(TransportErrorKind::custom)?;
        let body = body.to_bytes();
        if !status.is_success() {
            // A JSON-RPC error answered with a non-2xx status is still the node's answer.
            if let Ok(packet) = serde_json::from_slice::<ResponsePacket>(&body)
                && packet.is_error()
            {
                return Ok(packet);
            }
            return Err(TransportErrorKind::http_error(
                status.as_u16(),
                String::from_utf8_lossy(&body).into_owned(),
            ));
        }
        serde_json::from_slice(&body)
            .map_err(|e| TransportError::deser_err(e, String::from_utf8_lossy(&body)))
    }
}

impl tower::Service<RequestPacket> for HttpTransport {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // hyper's pool takes requests at any time.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        Box::pin(self.clone().send(packet))
    }
}
