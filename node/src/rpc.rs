//! The Substrate JSON-RPC surface (legacy methods), served by jsonrpsee over WebSocket and HTTP on
//! one port.
//!
//! Only the legacy API is exposed — `rpc_methods` lists no `chainHead_v1_*`/`archive_v1_*`, so
//! subxt 0.51 uses its legacy backend — plus the aliases clients use (`chain_getHead`,
//! `state_getStorageAt`, `chain_getFinalisedHead`, `account_nextIndex`, …). Bytes travel as
//! `0x`-hex (with or without the prefix on input, as the Python SDK sends them), header numbers as
//! hex strings. Invalid extrinsics get Substrate's author error codes (1001 bad format, 1010
//! invalid, 1011 unknown, 1013 already imported, 1014 priority too low) with the reason in
//! `data`. Request bodies are capped (`MAX_REQUEST_BYTES`); CORS headers are never sent, so
//! browsers on other origins are refused by default.

use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpsee::core::middleware::{Batch, BatchEntry, Notification, RpcServiceT};
use jsonrpsee::server::middleware::rpc::RpcServiceBuilder;
use jsonrpsee::server::{
    PendingSubscriptionSink, RandomStringIdProvider, RpcModule, Server, ServerConfig, ServerHandle,
    SubscriptionMessage,
};
use jsonrpsee::types::{ErrorObjectOwned, Params, Request};
use parity_scale_codec::Encode;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::chain::{Chain, ChainEvent, SubmitError};
use crate::primitives::{BlockNumber, H256, Header, ss58};
use crate::runtime::{api, metadata, state_call};
use crate::state::StateRead;

/// Largest request body accepted (bytes).
pub const MAX_REQUEST_BYTES: u32 = 15 * 1024 * 1024;
/// Largest response body (bytes).
pub const MAX_RESPONSE_BYTES: u32 = 32 * 1024 * 1024;
/// Max keys per `state_getKeysPaged` / `state_queryStorageAt`.
pub const MAX_KEYS: usize = 1000;

type RpcResult = Result<Value, ErrorObjectOwned>;

fn err(code: i32, msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, msg, None::<()>)
}

fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
    err(jsonrpsee::types::error::INVALID_PARAMS_CODE, msg)
}

fn internal(e: impl std::fmt::Display) -> ErrorObjectOwned {
    tracing::warn!(target: "rpc", err = %e, "internal error");
    err(4003, format!("Client error: {e}"))
}

fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

fn parse_hex(s: &str) -> Result<Vec<u8>, ErrorObjectOwned> {
    hex::decode(s.strip_prefix("0x").unwrap_or(s))
        .map_err(|e| invalid_params(format!("invalid hex `{s}`: {e}")))
}

fn parse_hash(v: Option<&Value>) -> Result<Option<H256>, ErrorObjectOwned> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            let b = parse_hex(s)?;
            let arr: [u8; 32] =
                b.try_into().map_err(|_| invalid_params("block hash must be 32 bytes"))?;
            Ok(Some(H256(arr)))
        }
        Some(_) => Err(invalid_params("block hash must be a hex string")),
    }
}

fn params_vec(p: &Params<'_>) -> Result<Vec<Value>, ErrorObjectOwned> {
    if p.is_object() {
        return Err(invalid_params("named parameters are not supported; pass an array"));
    }
    Ok(p.parse::<Option<Vec<Value>>>()
        .map_err(|e| invalid_params(e.to_string()))?
        .unwrap_or_default())
}

fn header_json(h: &Header) -> Value {
    json!({
        "parentHash": hex0x(&h.parent_hash.0),
        "number": format!("0x{:x}", h.number),
        "stateRoot": hex0x(&h.state_root.0),
        "extrinsicsRoot": hex0x(&h.extrinsics_root.0),
        "digest": { "logs": h.digest.logs.iter().map(|l| hex0x(&l.encode())).collect::<Vec<_>>() },
    })
}

fn version_json() -> Value {
    let v = api::runtime_version();
    json!({
        "specName": v.spec_name,
        "implName": v.impl_name,
        "authoringVersion": v.authoring_version,
        "specVersion": v.spec_version,
        "implVersion": v.impl_version,
        "apis": v.apis.iter().map(|(id, ver)| json!([hex0x(id), ver])).collect::<Vec<_>>(),
        "transactionVersion": v.transaction_version,
        "systemVersion": v.system_version,
    })
}

fn submit_error(e: &SubmitError) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(e.code(), e.message(), Some(e.data()))
}

/// Resolve an optional block hash to a block hash that exists (best when absent).
fn block_hash_or_best(chain: &Chain, v: Option<&Value>) -> Result<Option<H256>, ErrorObjectOwned> {
    match parse_hash(v)? {
        None => Ok(Some(chain.heads().best_hash)),
        Some(h) => Ok(chain.store.header(&h).map_err(internal)?.map(|_| h)),
    }
}

fn state_at(chain: &Chain, v: Option<&Value>) -> Result<crate::chain::StateView, ErrorObjectOwned> {
    let hash = parse_hash(v)?;
    match chain.state(hash.as_ref()) {
        Ok(Some(view)) => Ok(view),
        Ok(None) => Err(err(4003, "Client error: UnknownBlock: block not found")),
        Err(e) => Err(internal(e)),
    }
}

fn number_param(v: &Value, best: BlockNumber) -> Result<BlockNumber, ErrorObjectOwned> {
    match v {
        Value::Null => Ok(best),
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| invalid_params("block number out of range")),
        Value::String(s) => u32::from_str_radix(s.strip_prefix("0x").unwrap_or(s), 16)
            .map_err(|_| invalid_params(format!("invalid block number `{s}`"))),
        _ => Err(invalid_params("block number must be a number or hex string")),
    }
}

fn get_block_hash(chain: &Chain, p: &[Value]) -> RpcResult {
    let best = chain.heads().best.number;
    let one = |v: &Value| -> RpcResult {
        let n = number_param(v, best)?;
        Ok(chain
            .store
            .hash(n)
            .map_err(internal)?
            .map(|h| hex0x(&h.0))
            .map_or(Value::Null, Value::String))
    };
    match p.first() {
        None => one(&Value::Null),
        Some(Value::Array(list)) => {
            Ok(Value::Array(list.iter().map(one).collect::<Result<_, _>>()?))
        }
        Some(v) => one(v),
    }
}

fn storage_value(view: &dyn StateRead, key: &[u8]) -> RpcResult {
    Ok(view.get(key).map_err(internal)?.map(|v| Value::String(hex0x(&v))).unwrap_or(Value::Null))
}

/// Build the RPC module over `chain`.
pub fn module(
    chain: Arc<Chain>,
) -> Result<RpcModule<Arc<Chain>>, jsonrpsee::core::RegisterMethodError> {
    let mut m = RpcModule::new(chain);

    // --- system ---
    m.register_method("system_name", |_, _, _| "tao-node")?;
    m.register_method("system_version", |_, _, _| env!("CARGO_PKG_VERSION"))?;
    m.register_method("system_chain", |_, c, _| c.spec.name.clone())?;
    m.register_method("system_chainType", |_, c, _| c.spec.chain_type.clone())?;
    m.register_method("system_properties", |_, c, _| c.spec.properties.clone())?;
    m.register_method(
        "system_health",
        |_, _, _| json!({ "peers": 0, "isSyncing": false, "shouldHavePeers": false }),
    )?;
    m.register_method("system_localPeerId", |_, _, _| "12D3KooWtaoNodeDevnetSingleAuthority")?;
    m.register_method("system_nodeRoles", |_, _, _| json!(["Authority"]))?;
    m.register_method("system_peers", |_, _, _| json!([]))?;
    m.register_method("system_localListenAddresses", |_, _, _| json!([]))?;
    m.register_blocking_method("system_accountNextIndex", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let s = p
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_params("expected an SS58 address"))?;
        let who =
            ss58::decode(s).ok_or_else(|| invalid_params(format!("invalid address `{s}`")))?;
        Ok(json!(c.next_nonce(&who).map_err(internal)?))
    })?;
    m.register_alias("account_nextIndex", "system_accountNextIndex")?;

    // --- chain ---
    m.register_blocking_method("chain_getBlockHash", |p, c, _| {
        get_block_hash(&c, &params_vec(&p)?)
    })?;
    m.register_alias("chain_getHead", "chain_getBlockHash")?;
    m.register_method("chain_getFinalizedHead", |_, c, _| hex0x(&c.heads().finalized_hash.0))?;
    m.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;
    m.register_blocking_method("chain_getHeader", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let Some(h) = block_hash_or_best(&c, p.first())? else { return Ok(Value::Null) };
        Ok(c.store.header(&h).map_err(internal)?.map_or(Value::Null, |h| header_json(&h)))
    })?;
    m.register_blocking_method("chain_getBlock", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let Some(h) = block_hash_or_best(&c, p.first())? else { return Ok(Value::Null) };
        Ok(c.store.block(&h).map_err(internal)?.map_or(Value::Null, |b| {
            json!({
                "block": {
                    "header": header_json(&b.header),
                    "extrinsics": b.extrinsics.iter().map(|x| hex0x(x)).collect::<Vec<_>>(),
                },
                "justifications": null,
            })
        }))
    })?;
    register_heads(
        &mut m,
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        false,
    )?;
    register_heads(
        &mut m,
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        false,
    )?;
    register_heads(
        &mut m,
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        true,
    )?;
    m.register_alias("chain_subscribeFinalisedHeads", "chain_subscribeFinalizedHeads")?;
    m.register_alias("chain_unsubscribeFinalisedHeads", "chain_unsubscribeFinalizedHeads")?;
    m.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    m.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;

    // --- state ---
    m.register_blocking_method("state_call", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let method = p
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_params("expected a method name"))?;
        let data = parse_hex(p.get(1).and_then(Value::as_str).unwrap_or("0x"))?;
        let hash = block_hash_or_best(&c, p.get(2))?
            .ok_or_else(|| err(4003, "Client error: UnknownBlock"))?;
        let number = c.number_of(&hash).map_err(internal)?.unwrap_or_default();
        let view = state_at(&c, Some(&Value::String(hex0x(&hash.0))))?;
        let at = state_call::CallAt { runtime: c.runtime, number, hash };
        match state_call::call(&view, &at, method, &data) {
            Ok(out) => Ok(Value::String(hex0x(&out))),
            Err(e @ state_call::ApiError::State(_)) => Err(internal(e)),
            Err(e) => Err(ErrorObjectOwned::owned(
                4003,
                "Client error: Execution failed",
                Some(e.to_string()),
            )),
        }
    })?;
    m.register_alias("state_callAt", "state_call")?;
    m.register_blocking_method("state_getStorage", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let key = parse_hex(
            p.first().and_then(Value::as_str).ok_or_else(|| invalid_params("expected a key"))?,
        )?;
        storage_value(&state_at(&c, p.get(1))?, &key)
    })?;
    m.register_alias("state_getStorageAt", "state_getStorage")?;
    m.register_blocking_method("state_getStorageSize", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let key = parse_hex(
            p.first().and_then(Value::as_str).ok_or_else(|| invalid_params("expected a key"))?,
        )?;
        let v = state_at(&c, p.get(1))?.get(&key).map_err(internal)?;
        Ok(v.map_or(Value::Null, |v| json!(v.len())))
    })?;
    m.register_blocking_method("state_getStorageHash", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let key = parse_hex(
            p.first().and_then(Value::as_str).ok_or_else(|| invalid_params("expected a key"))?,
        )?;
        let v = state_at(&c, p.get(1))?.get(&key).map_err(internal)?;
        Ok(v.map_or(Value::Null, |v| Value::String(hex0x(&crate::primitives::blake2_256(&v)))))
    })?;
    m.register_blocking_method("state_getKeysPaged", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let prefix = match p.first() {
            Some(Value::String(s)) => parse_hex(s)?,
            _ => Vec::new(),
        };
        let count =
            p.get(1).and_then(Value::as_u64).ok_or_else(|| invalid_params("expected a count"))?;
        let count = usize::try_from(count).unwrap_or(MAX_KEYS).min(MAX_KEYS);
        let start = match p.get(2) {
            Some(Value::String(s)) => Some(parse_hex(s)?),
            _ => None,
        };
        let best = c.heads().best.number;
        let at = match parse_hash(p.get(3))? {
            None => best,
            Some(h) => c
                .number_of(&h)
                .map_err(internal)?
                .ok_or_else(|| err(4003, "Client error: UnknownBlock"))?,
        };
        let keys =
            c.store.keys_paged(&prefix, count, start.as_deref(), at, best).map_err(internal)?;
        Ok(json!(keys.iter().map(|k| hex0x(k)).collect::<Vec<_>>()))
    })?;
    m.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    // Every key under a prefix: Substrate's unpaged (deprecated) form, which bittensor-cli's
    // `query_map(fully_exhaust=True)` still calls. Refused past MAX_KEYS keys.
    m.register_blocking_method("state_getKeys", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let prefix = match p.first() {
            Some(Value::String(s)) => parse_hex(s)?,
            _ => return Err(invalid_params("expected a key prefix")),
        };
        let best = c.heads().best.number;
        let at = match parse_hash(p.get(1))? {
            None => best,
            Some(h) => c
                .number_of(&h)
                .map_err(internal)?
                .ok_or_else(|| err(4003, "Client error: UnknownBlock"))?,
        };
        let keys = c
            .store
            .keys_paged(&prefix, MAX_KEYS.saturating_add(1), None, at, best)
            .map_err(internal)?;
        if keys.len() > MAX_KEYS {
            return Err(invalid_params(format!(
                "more than {MAX_KEYS} keys under this prefix; use state_getKeysPaged"
            )));
        }
        Ok(json!(keys.iter().map(|k| hex0x(k)).collect::<Vec<_>>()))
    })?;
    m.register_blocking_method("state_queryStorageAt", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let keys = p
            .first()
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_params("expected a list of keys"))?;
        if keys.len() > MAX_KEYS {
            return Err(invalid_params(format!("at most {MAX_KEYS} keys per call")));
        }
        let hash = block_hash_or_best(&c, p.get(1))?
            .ok_or_else(|| err(4003, "Client error: UnknownBlock"))?;
        let view = state_at(&c, Some(&Value::String(hex0x(&hash.0))))?;
        let mut changes = Vec::with_capacity(keys.len());
        for k in keys {
            let s = k.as_str().ok_or_else(|| invalid_params("keys must be hex strings"))?;
            let key = parse_hex(s)?;
            changes.push(json!([hex0x(&key), storage_value(&view, &key)?]));
        }
        Ok(json!([{ "block": hex0x(&hash.0), "changes": changes }]))
    })?;
    m.register_method("state_getMetadata", |_, _, _| {
        Value::String(hex0x(metadata::encoded(14).unwrap_or_default()))
    })?;
    m.register_method("state_getRuntimeVersion", |_, _, _| version_json())?;
    m.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    m.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, _, _| async move {
            let sink = pending.accept().await?;
            sink.send(raw(&version_json())?).await?;
            sink.closed().await;
            SubResult::Ok(())
        },
    )?;
    m.register_alias("chain_subscribeRuntimeVersion", "state_subscribeRuntimeVersion")?;
    m.register_alias("chain_unsubscribeRuntimeVersion", "state_unsubscribeRuntimeVersion")?;
    m.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |p, pending, c, _| async move { storage_subscription(p, pending, Arc::clone(&c)).await },
    )?;

    // --- author ---
    m.register_blocking_method("author_submitExtrinsic", |p, c, _| -> RpcResult {
        let p = params_vec(&p)?;
        let xt = parse_hex(
            p.first()
                .and_then(Value::as_str)
                .ok_or_else(|| invalid_params("expected an extrinsic"))?,
        )?;
        let (hash, _) = c.submit(xt).map_err(|e| submit_error(&e))?;
        Ok(Value::String(hex0x(&hash.0)))
    })?;
    m.register_method("author_pendingExtrinsics", |_, c, _| {
        json!(c.pending().iter().map(|x| hex0x(x)).collect::<Vec<_>>())
    })?;
    m.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |p, pending, c, _| async move {
            let xt = match params_vec(&p).and_then(|p| {
                parse_hex(
                    p.first()
                        .and_then(Value::as_str)
                        .ok_or_else(|| invalid_params("expected an extrinsic"))?,
                )
            }) {
                Ok(x) => x,
                Err(e) => {
                    pending.reject(e).await;
                    return SubResult::Ok(());
                }
            };
            let chain = c.clone();
            let submitted = tokio::task::spawn_blocking(move || chain.submit_and_watch(xt)).await;
            let mut rx = match submitted {
                Ok(Ok((_, rx))) => rx,
                Ok(Err(e)) => {
                    pending.reject(submit_error(&e)).await;
                    return Ok(());
                }
                Err(e) => {
                    pending.reject(internal(e)).await;
                    return Ok(());
                }
            };
            let sink = pending.accept().await?;
            loop {
                tokio::select! {
                    s = rx.recv() => match s {
                        Some(s) => sink.send(raw(&serde_json::to_value(&s)?)?).await?,
                        None => break,
                    },
                    _ = sink.closed() => break,
                }
            }
            SubResult::Ok(())
        },
    )?;

    // --- rpc_methods: everything registered above ---
    let mut names: Vec<String> = m.method_names().map(str::to_owned).collect();
    names.push("rpc_methods".into());
    names.sort();
    m.register_method("rpc_methods", move |_, _, _| json!({ "version": 1, "methods": names }))?;
    Ok(m)
}

fn raw(v: &Value) -> Result<SubscriptionMessage, serde_json::Error> {
    Ok(SubscriptionMessage::from(serde_json::value::to_raw_value(v)?))
}

type SubResult = jsonrpsee::core::SubscriptionResult;

fn register_heads(
    m: &mut RpcModule<Arc<Chain>>,
    sub: &'static str,
    notif: &'static str,
    unsub: &'static str,
    finalized: bool,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    m.register_subscription(sub, notif, unsub, move |_, pending, c, _| async move {
        // Subscribe before reading the current head so no block falls in between.
        let mut rx = c.subscribe();
        let sink = pending.accept().await?;
        let heads = c.heads();
        let current = if finalized {
            let store = c.store.clone();
            let h = heads.finalized_hash;
            tokio::task::spawn_blocking(move || store.header(&h)).await??
        } else {
            Some(heads.best)
        };
        if let Some(h) = current {
            sink.send(raw(&header_json(&h))?).await?;
        }
        loop {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Ok(ChainEvent::NewHead(h)) if !finalized => sink.send(raw(&header_json(&h))?).await?,
                    Ok(ChainEvent::Finalized(h)) if finalized => sink.send(raw(&header_json(&h))?).await?,
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                },
                _ = sink.closed() => break,
            }
        }
        SubResult::Ok(())
    })?;
    Ok(())
}

async fn storage_subscription(
    p: Params<'static>,
    pending: PendingSubscriptionSink,
    c: Arc<Chain>,
) -> SubResult {
    let keys: Vec<Vec<u8>> = match params_vec(&p).and_then(|p| match p.first() {
        Some(Value::Array(ks)) if ks.len() <= MAX_KEYS => ks
            .iter()
            .map(|k| {
                k.as_str()
                    .ok_or_else(|| invalid_params("keys must be hex strings"))
                    .and_then(parse_hex)
            })
            .collect(),
        _ => Err(invalid_params("expected a list of at most 1000 storage keys")),
    }) {
        Ok(k) => k,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    let mut rx = c.subscribe();
    let sink = pending.accept().await?;
    let mut last: Vec<Option<Vec<u8>>> = vec![None; keys.len()];
    let mut first = true;
    let mut block = c.heads().best_hash;
    loop {
        let chain = c.clone();
        let ks = keys.clone();
        let values =
            tokio::task::spawn_blocking(move || -> Result<Vec<Option<Vec<u8>>>, String> {
                let view =
                    chain.state(Some(&block)).map_err(|e| e.to_string())?.ok_or("block pruned")?;
                ks.iter().map(|k| view.get(k).map_err(|e| e.to_string())).collect()
            })
            .await??;
        let changes: Vec<Value> = keys
            .iter()
            .zip(values.iter().zip(last.iter()))
            .filter(|(_, (new, old))| first || new != old)
            .map(|(k, (new, _))| json!([hex0x(k), new.as_ref().map(|v| hex0x(v))]))
            .collect();
        if !changes.is_empty() {
            sink.send(raw(&json!({ "block": hex0x(&block.0), "changes": changes }))?).await?;
        }
        last = values;
        first = false;
        loop {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Ok(ChainEvent::NewHead(h)) => { block = h.hash(); break; }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                },
                _ = sink.closed() => return Ok(()),
            }
        }
    }
}

/// Logs every JSON-RPC method called (single, batched or notification) at debug level under the
/// target `rpc::calls`, so `RUST_LOG=rpc::calls=debug` shows exactly what a client uses — how the
/// polkadot.js compatibility test records the surface it needs.
#[derive(Clone)]
struct LogCalls<S>(S);

impl<S: RpcServiceT + Send + Sync> RpcServiceT for LogCalls<S> {
    type MethodResponse = S::MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = S::BatchResponse;

    fn call<'a>(
        &self,
        req: Request<'a>,
    ) -> impl std::future::Future<Output = Self::MethodResponse> + Send + 'a {
        if req.method_name() == "state_call" {
            // The runtime API is the interesting part of a state_call.
            let api = req.params().sequence().next::<String>().unwrap_or_default();
            tracing::debug!(target: "rpc::calls", method = "state_call", %api, "call");
        } else {
            tracing::debug!(target: "rpc::calls", method = %req.method_name(), "call");
        }
        self.0.call(req)
    }

    fn batch<'a>(
        &self,
        batch: Batch<'a>,
    ) -> impl std::future::Future<Output = Self::BatchResponse> + Send + 'a {
        for entry in batch.iter().flatten() {
            let method = match entry {
                BatchEntry::Call(r) => r.method_name(),
                BatchEntry::Notification(n) => n.method_name(),
            };
            tracing::debug!(target: "rpc::calls", %method, size = batch.len(), "batched call");
        }
        self.0.batch(batch)
    }

    fn notification<'a>(
        &self,
        n: Notification<'a>,
    ) -> impl std::future::Future<Output = Self::NotificationResponse> + Send + 'a {
        tracing::debug!(target: "rpc::calls", method = %n.method_name(), "notification");
        self.0.notification(n)
    }
}

/// Start the server on `addr`; returns its bound address and handle.
pub async fn start(
    chain: Arc<Chain>,
    addr: SocketAddr,
) -> eyre::Result<(SocketAddr, ServerHandle)> {
    let config = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .max_response_body_size(MAX_RESPONSE_BYTES)
        .max_connections(256)
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();
    let server = Server::builder()
        .set_config(config)
        .set_rpc_middleware(RpcServiceBuilder::new().layer_fn(LogCalls))
        .build(addr)
        .await?;
    let bound = server.local_addr()?;
    let handle = server.start(module(chain)?);
    Ok((bound, handle))
}
