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

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
use crate::failover::Endpoints;
use crate::metrics::{Chain, Metrics};
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

/// The method class of a request, the `method` label of `wtao_relayer_rpc_call_seconds`.
pub fn method_class(packet: &RequestPacket) -> &'static str {
    let RequestPacket::Single(req) = packet else { return "batch" };
    match req.method() {
        "eth_blockNumber" => "head",
        "eth_getBlockByNumber" | "eth_getBlockByHash" => "block",
        "eth_getLogs" => "logs",
        "eth_call" | "eth_estimateGas" => "call",
        "eth_sendRawTransaction" => "send",
        "eth_getTransactionReceipt" => "receipt",
        "eth_getTransactionCount" | "eth_getBalance" => "account",
        "eth_feeHistory" | "eth_gasPrice" | "eth_maxPriorityFeePerGas" => "fees",
        "eth_chainId" => "chain_id",
        _ => "other",
    }
}

/// The block number in an `eth_blockNumber` answer.
fn head_of(response: &ResponsePacket) -> Option<u64> {
    let ResponsePacket::Single(r) = response else { return None };
    let raw = r.payload.as_success()?;
    serde_json::from_str::<alloy::primitives::U64>(raw.get()).ok().map(|n| n.to::<u64>())
}

/// Several EVM endpoints behind one transport: each request goes to the endpoint in use and, on
/// a transport error or a stale head, to the next (see [`crate::failover`]). A JSON-RPC error
/// (a revert, a rejected transaction) is the node's answer and is returned as it is. Every call
/// is timed into `wtao_relayer_rpc_call_seconds{chain="eth",method}`.
#[derive(Clone, Debug)]
pub struct FailoverTransport {
    transports: Arc<Vec<HttpTransport>>,
    endpoints: Arc<Endpoints>,
    metrics: Arc<Metrics>,
}

impl FailoverTransport {
    /// Transports to `urls` (each `https://` one verified against `tls`).
    pub fn new(
        urls: &[Url],
        tls: &ClientTls,
        stale_after: Duration,
        metrics: Arc<Metrics>,
    ) -> Result<Self, TlsError> {
        let transports =
            urls.iter().map(|u| HttpTransport::new(u, tls)).collect::<Result<_, _>>()?;
        let endpoints = Endpoints::new(Chain::Eth, urls.to_vec(), stale_after, metrics.clone());
        Ok(Self { transports: Arc::new(transports), endpoints: Arc::new(endpoints), metrics })
    }

    /// The failover state.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    async fn send(self, packet: RequestPacket) -> Result<ResponsePacket, TransportError> {
        let method = method_class(&packet);
        let mut last_error = None;
        let mut stale_answer = None;
        for i in self.endpoints.order() {
            let Some(transport) = self.transports.get(i) else { continue };
            let started = Instant::now();
            let result = transport.clone().send(packet.clone()).await;
            self.metrics.rpc(Chain::Eth, method, started.elapsed());
            match result {
                Ok(response) => {
                    if let Some(head) = head_of(&response)
                        && self.endpoints.head(i, head)
                    {
                        self.endpoints.failed(i, &self.endpoints.stale_reason());
                        stale_answer.get_or_insert(response);
                        continue;
                    }
                    self.endpoints.succeeded(i);
                    return Ok(response);
                }
                Err(e) => {
                    self.endpoints.failed(i, &e.to_string());
                    last_error = Some(e);
                }
            }
        }
        // Every endpoint is stale: the chain itself may be halted; say what they say.
        if let Some(response) = stale_answer {
            return Ok(response);
        }
        Err(last_error.unwrap_or_else(|| TransportErrorKind::custom_str("no EVM endpoint")))
    }
}

impl tower::Service<RequestPacket> for FailoverTransport {
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, packet: RequestPacket) -> Self::Future {
        Box::pin(self.clone().send(packet))
    }
}
