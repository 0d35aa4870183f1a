//! Fuzzing the JSON-RPC surface (issue 17, item 5): in process, every registered method with
//! random parameters of every JSON shape; against the real binary, random request bodies,
//! malformed and deeply nested JSON, oversized payloads and batches, wrong parameter types for
//! every method, unknown methods, and floods of subscriptions and connections. Each request gets
//! a JSON-RPC answer (or, for what the transport refuses, an HTTP status), the node never
//! panics, and it keeps serving. The limits are those documented in `tao_node::rpc`.
//!
//! `PROPTEST_CASES` raises the number of cases (default 1024 in process, 256 over HTTP).

use std::sync::Arc;

use jsonrpsee::core::client::{ClientT, SubscriptionClientT};
use jsonrpsee::rpc_params;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use proptest::prelude::*;
use serde_json::{Value, json};
use tao_node::chain::{Chain, ChainConfig, Store};
use tao_node::rpc::{
    MAX_BATCH_REQUESTS, MAX_CONNECTIONS, MAX_KEYS, MAX_REQUEST_BYTES,
    MAX_SUBSCRIPTIONS_PER_CONNECTION,
};
use tao_node::runtime::genesis::ChainSpec;

use crate::{Node, http_post, within};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// ------------------------------------------------------------------ JSON generators

fn hex_string() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..48)
            .prop_map(|b| json!(format!("0x{}", hex::encode(b)))),
        prop::collection::vec(any::<u8>(), 32..=32)
            .prop_map(|b| json!(format!("0x{}", hex::encode(b)))),
        "0x[0-9a-fA-FxgG]{0,70}".prop_map(Value::String),
        "[0-9a-f]{0,66}".prop_map(Value::String),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e300..1e300f64).prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::String),
        hex_string(),
        // Method names and SS58 addresses where they are expected.
        Just(json!("Core_version")),
        Just(json!("TransactionPaymentApi_query_info")),
        Just(json!("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn params() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::collection::vec(value(), 0..5).prop_map(Value::Array),
        1 => prop::collection::btree_map("[a-z]{1,6}", value(), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        1 => Just(Value::Null),
    ]
}

/// Whether `text` is one JSON-RPC 2.0 response: a result, or an error with an integer code.
fn is_response(text: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))?;
    let answered = v.get("result").is_some()
        || v.get("error").and_then(|e| e.get("code")).is_some_and(Value::is_i64);
    if v["jsonrpc"] == "2.0" && answered { Ok(v) } else { Err(format!("not a response: {text}")) }
}

// ------------------------------------------------------------------ in process

/// A dev chain with a few blocks, and its RPC module.
fn module() -> (jsonrpsee::RpcModule<Arc<Chain>>, Vec<String>) {
    let chain =
        Chain::open(Store::temporary(None).unwrap(), ChainSpec::dev(), ChainConfig::default())
            .unwrap();
    for _ in 0..3 {
        chain.produce_block().unwrap();
    }
    let module = tao_node::rpc::module(chain).unwrap();
    let mut names: Vec<String> = module.method_names().map(str::to_owned).collect();
    names.sort();
    (module, names)
}

thread_local! {
    static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    static MODULE: (jsonrpsee::RpcModule<Arc<Chain>>, Vec<String>) = module();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1024), ..ProptestConfig::default() })]

    /// Every registered method (and some unknown ones), any parameters: a JSON-RPC answer.
    #[test]
    fn any_method_with_any_params_is_answered(
        pick in any::<usize>(),
        unknown in "[a-z_]{1,20}",
        use_unknown in prop::bool::weighted(0.1),
        params in params(),
    ) {
        MODULE.with(|(module, names)| {
            let method = if use_unknown { unknown.clone() } else { names[pick % names.len()].clone() };
            let request = json!({ "jsonrpc": "2.0", "id": 7, "method": method, "params": params });
            let response = RT.with(|rt| {
                rt.block_on(async {
                    let (resp, _rx) =
                        module.raw_json_request(&request.to_string(), 16).await.unwrap();
                    // `_rx` (a subscription's notifications) drops here, ending it.
                    resp.get().to_owned()
                })
            });
            let v = is_response(&response).map_err(TestCaseError::fail)?;
            prop_assert_eq!(&v["id"], &json!(7));
            if !names.contains(&method) {
                prop_assert_eq!(&v["error"]["code"], &json!(-32601), "{}", response);
            }
            Ok(())
        })?;
    }
}

// ------------------------------------------------------------------ the real binary

fn post_json(addr: &str, v: &Value) -> String {
    http_post(addr, v.to_string().as_bytes()).1
}

fn healthy(addr: &str) {
    let body =
        post_json(addr, &json!({"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}));
    assert!(body.contains("isSyncing"), "the node stopped serving: {body}");
}

/// Random bodies over HTTP: a parse error or an HTTP refusal, never silence.
#[tokio::test]
async fn random_bodies_get_errors() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let addr = node.0.addr().to_owned();
    let config = ProptestConfig {
        cases: cases(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        // JSON-looking garbage: cut, doubled, unbalanced.
        (params(), any::<usize>()).prop_map(|(p, cut)| {
            let text =
                json!({"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":p}).to_string();
            text.as_bytes()[..cut % (text.len() + 1)].to_vec()
        }),
        "[\\[\\]{}\",:0-9a-z ]{0,200}".prop_map(String::into_bytes),
    ];
    runner
        .run(&bodies, |body| {
            let (status, text) = http_post(&addr, &body);
            prop_assert!(
                !status.is_empty(),
                "no HTTP answer to {:?}",
                String::from_utf8_lossy(&body)
            );
            if status.contains(" 200") {
                // An answer per request: one response, or an array of them for a batch.
                let v: Value = serde_json::from_str(&text)
                    .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                let all: Vec<Value> = match v {
                    Value::Array(a) => a,
                    one => vec![one],
                };
                for r in all {
                    is_response(&r.to_string()).map_err(TestCaseError::fail)?;
                }
            }
            Ok(())
        })
        .unwrap();
    healthy(&addr);
}

/// The parser's and server's limits: nesting, body size, batch size, list sizes.
#[tokio::test]
async fn nesting_payload_and_batch_limits() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let addr = node.0.addr().to_owned();

    // 100,000 nested arrays, as the whole body (a batch whose entry is no request) and as
    // params (a parse error): an error, no stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (_, body) = http_post(&addr, deep.as_bytes());
    assert!(body.contains("-32600") || body.contains("-32700"), "{body}");
    // As params: jsonrpsee keeps params raw, so a method that ignores them answers, and one
    // that reads them hits serde_json's recursion limit (128): invalid params.
    let deep_params =
        |method: &str| format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{deep}}}"#);
    let (_, body) = http_post(&addr, deep_params("system_chain").as_bytes());
    is_response(&body).unwrap();
    let (_, body) = http_post(&addr, deep_params("state_getStorage").as_bytes());
    assert!(body.contains("-32602"), "{body}");
    let deep_objects = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"state_call","params":[{}1{}]}}"#,
        r#"{"a":"#.repeat(50_000),
        "}".repeat(50_000)
    );
    let (_, body) = http_post(&addr, deep_objects.as_bytes());
    assert!(body.contains("-32602"), "{body}");

    // Just over the body limit: refused by the transport.
    let big = vec![b' '; MAX_REQUEST_BYTES as usize + 1];
    let (status, _) = http_post(&addr, &big);
    assert!(status.contains("413"), "{status}");
    // Just under it, valid JSON with a huge string: an answer (the extrinsic is too large).
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x{}"]}}"#,
        "00".repeat(MAX_REQUEST_BYTES as usize / 2 - 100)
    );
    let (_, body) = http_post(&addr, huge.as_bytes());
    let v = is_response(&body).unwrap();
    assert!(v["error"]["code"].as_i64().is_some(), "{body}");

    // Batches: the limit is answered in full, one more is one error.
    let call = json!({"jsonrpc":"2.0","id":1,"method":"system_chain","params":[]});
    let ok = Value::Array(vec![call.clone(); MAX_BATCH_REQUESTS as usize]);
    let answers: Vec<Value> = serde_json::from_str(&post_json(&addr, &ok)).unwrap();
    assert_eq!(answers.len(), MAX_BATCH_REQUESTS as usize);
    assert!(answers.iter().all(|a| a["result"] == "TAO Development"));
    let too_many = Value::Array(vec![call; MAX_BATCH_REQUESTS as usize + 1]);
    let body = post_json(&addr, &too_many);
    let v = is_response(&body).unwrap();
    assert!(v["error"]["message"].as_str().unwrap_or_default().contains("batch"), "{body}");
    // An empty batch (one "Invalid request" error, as jsonrpsee wraps it) and a batch of
    // garbage (an error per entry).
    let body = post_json(&addr, &json!([]));
    let v: Value = serde_json::from_str(&body).unwrap();
    let v = if let Value::Array(mut a) = v { a.pop().unwrap() } else { v };
    assert_eq!(is_response(&v.to_string()).unwrap()["error"]["code"], -32600, "{body}");
    let answers: Vec<Value> =
        serde_json::from_str(&post_json(&addr, &json!([1, "x", {}]))).unwrap();
    assert_eq!(answers.len(), 3);

    // Lists inside params are bounded.
    let numbers: Vec<u32> = (0..=MAX_KEYS as u32).collect();
    let body = post_json(
        &addr,
        &json!({"jsonrpc":"2.0","id":1,"method":"chain_getBlockHash","params":[numbers]}),
    );
    assert!(body.contains("-32602"), "{body}");
    let keys: Vec<String> = (0..=MAX_KEYS).map(|i| format!("0x{i:08x}")).collect();
    let body = post_json(
        &addr,
        &json!({"jsonrpc":"2.0","id":1,"method":"state_queryStorageAt","params":[keys]}),
    );
    assert!(body.contains("-32602"), "{body}");
    healthy(&addr);
}

/// Every method the node lists, with parameters of the wrong type and count.
#[tokio::test]
async fn wrong_param_types_for_every_method() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let addr = node.0.addr().to_owned();
    let methods =
        post_json(&addr, &json!({"jsonrpc":"2.0","id":1,"method":"rpc_methods","params":[]}));
    let methods: Value = serde_json::from_str(&methods).unwrap();
    let methods: Vec<String> = methods["result"]["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect();
    assert!(methods.len() > 40, "{methods:?}");
    let bad = [
        json!([1]),
        json!(["zz"]),
        json!([{}]),
        json!([[]]),
        json!([null, null, null, null, null, null]),
        json!([true, -1, 1.5]),
        json!(["0x", "0x", "0x"]),
        json!([format!("0x{}", "ff".repeat(32)), 18446744073709551615u64]),
        json!({"named": 1}),
        json!("scalar"),
    ];
    let mut answered = 0;
    for m in &methods {
        // One HTTP batch per method: each entry answered.
        let batch: Vec<Value> = bad
            .iter()
            .enumerate()
            .map(|(i, p)| json!({"jsonrpc":"2.0","id":i,"method":m,"params":p}))
            .collect();
        let body = post_json(&addr, &Value::Array(batch));
        let answers: Vec<Value> =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{m}: {e}: {body}"));
        assert_eq!(answers.len(), bad.len(), "{m}: {body}");
        for a in &answers {
            is_response(&a.to_string()).unwrap_or_else(|e| panic!("{m}: {e}"));
        }
        answered += answers.len();
    }
    eprintln!("wrong_param_types: {} methods, {answered} requests answered", methods.len());
    healthy(&addr);
}

async fn ws(url: &str) -> Result<WsClient, jsonrpsee::core::ClientError> {
    WsClientBuilder::default().build(url).await
}

/// More subscriptions than one connection may hold, and more connections than the node takes:
/// the excess is refused, the rest keep working, and everything is released on close.
#[tokio::test]
async fn subscription_and_connection_floods_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let url = node.url().to_owned();
    let addr = node.0.addr().to_owned();

    let client = within(ws(&url)).await.unwrap();
    let mut subs = Vec::new();
    let mut refused = 0;
    for _ in 0..MAX_SUBSCRIPTIONS_PER_CONNECTION + 40 {
        match within(client.subscribe::<Value, _>(
            "chain_subscribeNewHeads",
            rpc_params![],
            "chain_unsubscribeNewHeads",
        ))
        .await
        {
            Ok(s) => subs.push(s),
            Err(e) => {
                assert!(e.to_string().to_lowercase().contains("subscription"), "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!(subs.len(), MAX_SUBSCRIPTIONS_PER_CONNECTION as usize);
    assert_eq!(refused, 40);
    // The connection still answers calls.
    let chain: String = within(client.request("system_chain", rpc_params![])).await.unwrap();
    assert_eq!(chain, "TAO Development");
    drop(subs);
    drop(client);

    // A fresh connection gets its own quota.
    let client = within(ws(&url)).await.unwrap();
    let mut again = Vec::new();
    for _ in 0..10 {
        again.push(
            within(client.subscribe::<Value, _>(
                "state_subscribeStorage",
                rpc_params![vec!["0x26aa394eea5630e07c48ae0c9558cef7"]],
                "state_unsubscribeStorage",
            ))
            .await
            .unwrap(),
        );
    }
    drop(again);
    drop(client);

    // Connections: the limit is held, the rest refused.
    let mut clients = Vec::new();
    let mut refused = 0;
    for _ in 0..MAX_CONNECTIONS + 12 {
        match within(ws(&url)).await {
            Ok(c) => clients.push(c),
            Err(_) => refused += 1,
        }
    }
    assert!(clients.len() <= MAX_CONNECTIONS as usize, "{} connections", clients.len());
    assert!(refused >= 12, "{refused} refused");
    drop(clients);
    // Released: a new connection works (the server notices closed sockets promptly).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(c) = ws(&url).await
            && c.request::<String, _>("system_chain", rpc_params![]).await.is_ok()
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "connections were not released");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    healthy(&addr);
}
