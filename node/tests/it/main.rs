//! Integration tests: start the real `tao-node` binary on a free port and drive it with subxt
//! 0.51 (stock `PolkadotConfig`, `subxt-signer` dev keys), as an unmodified client would.

mod polkadot;
mod python;
mod subtensor;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use subxt::dynamic::{self, Value};
use subxt::ext::scale_value::At;
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::dev;
use tao_node::test_utils::{TestNode, TestNodeConfig};

const TAO: u64 = 1_000_000_000;
const DEADLINE: Duration = Duration::from_secs(60);
const BIN: &str = env!("CARGO_BIN_EXE_tao-node");

/// A running node (the shared `test-utils` helper), killed on drop.
struct Node(TestNode);

impl Node {
    fn start(base: &Path, extra: &[&str]) -> Self {
        Self(TestNode::spawn(Path::new(BIN), base, extra).expect("start tao-node"))
    }

    fn start_with(config: TestNodeConfig) -> Self {
        Self(TestNode::start(config).expect("start tao-node"))
    }

    fn url(&self) -> &str {
        self.0.url()
    }

    async fn client(&self) -> OnlineClient<PolkadotConfig> {
        within(OnlineClient::<PolkadotConfig>::from_insecure_url(self.url()))
            .await
            .expect("connect")
    }

    fn kill9(self) {
        self.0.kill9();
    }
}

async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(DEADLINE, f).await.expect("deadline passed")
}

async fn free_balance(api: &OnlineClient<PolkadotConfig>, who: [u8; 32]) -> u128 {
    let at = within(api.at_current_block()).await.unwrap();
    let addr = dynamic::storage::<([u8; 32],), Value>("System", "Account");
    let v = within(at.storage().fetch(addr, (who,))).await.unwrap();
    let v = v.decode().unwrap();
    v.at("data").and_then(|d| d.at("free")).and_then(|f| f.as_u128()).expect("data.free")
}

async fn nonce(api: &OnlineClient<PolkadotConfig>, who: [u8; 32]) -> u64 {
    let at = within(api.at_current_block()).await.unwrap();
    let call = dynamic::runtime_api_call::<_, u32>("AccountNonceApi", "account_nonce", (who,));
    u64::from(within(at.runtime_apis().call(call)).await.unwrap())
}

fn transfer(
    to: [u8; 32],
    value: u64,
) -> subxt::tx::DynamicPayload<(subxt::utils::MultiAddress<subxt::utils::AccountId32, ()>, u64)> {
    dynamic::transaction(
        "Balances",
        "transfer_keep_alive",
        (subxt::utils::MultiAddress::Id(subxt::utils::AccountId32(to)), value),
    )
}

#[tokio::test]
async fn transfer_finalizes_and_events_decode() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let api = node.client().await;
    let (alice, bob) = (dev::alice(), dev::bob());
    let bob_id = bob.public_key().0;
    let before = free_balance(&api, bob_id).await;
    assert_eq!(before, 1_000_000 * u128::from(TAO));

    let at = within(api.at_current_block()).await.unwrap();
    let events = within(async {
        at.transactions()
            .sign_and_submit_then_watch_default(&transfer(bob_id, TAO), &alice)
            .await?
            .wait_for_finalized_success()
            .await
            .map_err(subxt::Error::from)
    })
    .await
    .expect("transfer finalized successfully");
    let names: Vec<String> = events
        .iter()
        .map(|e| {
            let e = e.unwrap();
            format!("{}.{}", e.pallet_name(), e.event_name())
        })
        .collect();
    for want in
        ["Balances.Transfer", "TransactionPayment.TransactionFeePaid", "System.ExtrinsicSuccess"]
    {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    assert_eq!(free_balance(&api, bob_id).await, before + u128::from(TAO));
    assert_eq!(nonce(&api, alice.public_key().0).await, 1);

    // The optional runtime APIs subxt offers: validation and fee estimate.
    let at = within(api.at_current_block()).await.unwrap();
    let tx =
        within(at.transactions().create_signed(&transfer(bob_id, TAO), &alice, Default::default()))
            .await
            .unwrap();
    let validity = within(tx.validate()).await.unwrap();
    assert!(matches!(validity, subxt::tx::ValidationResult::Valid(_)), "{validity:?}");
    let fee = within(tx.partial_fee_estimate()).await.unwrap();
    assert!(fee > 100_000, "fee {fee}");
}

#[tokio::test]
async fn build_spec_chain_file_and_clean_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tao-node"))
        .args(["build-spec", "--dev"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut spec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    spec["name"] = "Custom".into();
    spec["id"] = "custom".into();
    spec["genesis"]["balances"] =
        serde_json::json!([[format!("0x{}", hex::encode(dev::bob().public_key().0)), 7 * TAO]]);
    let path = dir.path().join("spec.json");
    std::fs::write(&path, serde_json::to_vec(&spec).unwrap()).unwrap();
    let node = Node::start(dir.path(), &["--chain", path.to_str().unwrap(), "--instant-seal"]);
    let api = node.client().await;
    assert_eq!(free_balance(&api, dev::bob().public_key().0).await, u128::from(7 * TAO));
    assert_eq!(free_balance(&api, dev::alice().public_key().0).await, 0);
    assert!(dir.path().join("chains/custom/db").is_dir());

    // SIGTERM: the node exits by itself, successfully.
    drop(api);
    let pid = node.0.pid().expect("running").to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = node.0.wait_exit(DEADLINE).expect("exited after SIGTERM");
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn dispatch_errors_and_invalid_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let api = node.client().await;
    let alice = dev::alice();

    // A module error, decoded by name through the metadata.
    let at = within(api.at_current_block()).await.unwrap();
    let err = within(async {
        at.transactions()
            .sign_and_submit_then_watch_default(&transfer([0x77; 32], 1), &alice)
            .await?
            .wait_for_finalized_success()
            .await
            .map_err(subxt::Error::from)
    })
    .await
    .expect_err("below the existential deposit");
    let msg = err.to_string();
    assert!(msg.contains("Balances") && msg.contains("ExistentialDeposit"), "{msg}");
    // The failed call still paid and bumped the nonce.
    assert_eq!(nonce(&api, alice.public_key().0).await, 1);

    // Bad signature: flip a byte inside the sr25519 signature (2-byte length prefix, version
    // byte, 33-byte address, 1-byte signature variant, then the signature).
    let at = within(api.at_current_block()).await.unwrap();
    let tx = within(at.transactions().create_signed(
        &transfer(dev::bob().public_key().0, TAO),
        &alice,
        Default::default(),
    ))
    .await
    .unwrap();
    let mut bytes = tx.encoded().to_vec();
    bytes[40] ^= 0xff;
    let err = within(at.transactions().from_bytes(bytes).submit()).await.expect_err("bad sig");
    // subxt shows the code; the reason ("Transaction has a bad signature") is in the error's
    // `data`, checked by the chain's unit tests.
    assert!(err.to_string().contains("Invalid Transaction (1010)"), "{err}");

    // Stale nonce: nonce 0 was used by the failed transfer above.
    let params = subxt::config::PolkadotExtrinsicParamsBuilder::new().nonce(0).build();
    let tx = within(at.transactions().create_signed(
        &transfer(dev::bob().public_key().0, TAO),
        &alice,
        params,
    ))
    .await
    .unwrap();
    let err = within(tx.submit()).await.expect_err("stale");
    assert!(err.to_string().contains("Invalid Transaction (1010)"), "{err}");

    // An unknown call (pallet 99) in an unsigned extrinsic: a format error, not a crash.
    let err = within(at.transactions().from_bytes(vec![12, 0x04, 99, 0]).submit())
        .await
        .expect_err("unknown call");
    assert!(err.to_string().contains("(1001)"), "{err}");

    // The node is still fine.
    assert_eq!(nonce(&api, alice.public_key().0).await, 1);
}

#[tokio::test]
async fn restart_after_kill_keeps_finalized_state_and_nonces() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--block-time", "100ms"]);
    let api = node.client().await;
    let (alice, bob_id) = (dev::alice(), dev::bob().public_key().0);
    let before = free_balance(&api, bob_id).await;
    for i in 0..3u64 {
        let at = within(api.at_current_block()).await.unwrap();
        within(async {
            at.transactions()
                .sign_and_submit_then_watch_default(&transfer(bob_id, TAO + i), &alice)
                .await?
                .wait_for_finalized_success()
                .await
                .map_err(subxt::Error::from)
        })
        .await
        .expect("finalized");
    }
    // Blocks keep coming every 100 ms: the kill lands at an arbitrary point of production.
    let start = Instant::now();
    let at = within(api.at_current_block()).await.unwrap();
    let seen = at.block_number();
    drop(api);
    node.kill9();

    let node = Node::start(dir.path(), &["--dev", "--block-time", "100ms"]);
    let api = node.client().await;
    let at = within(api.at_current_block()).await.unwrap();
    assert!(at.block_number() >= seen, "restarted at {} < {seen}", at.block_number());
    assert_eq!(nonce(&api, alice.public_key().0).await, 3);
    assert_eq!(free_balance(&api, bob_id).await, before + u128::from(3 * TAO + 3));
    // And it keeps producing.
    while within(api.at_current_block()).await.unwrap().block_number() <= at.block_number() {
        assert!(start.elapsed() < DEADLINE, "no new block after restart");
        tokio::task::yield_now().await;
    }
}

/// One HTTP/1.1 POST over a plain socket; returns the status line and the body.
fn http_post(addr: &str, body: &[u8]) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before reading a refused body; that is fine.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[tokio::test]
async fn malformed_and_oversized_requests_get_errors() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let addr = node.0.addr().to_owned();
    let (status, body) = http_post(&addr, b"{not json");
    assert!(status.contains("200") || status.contains("400"), "{status}");
    assert!(body.contains("-32700"), "{body}");
    let (_, body) = http_post(&addr, br#"{"jsonrpc":"2.0","id":1,"method":"nope","params":[]}"#);
    assert!(body.contains("-32601"), "{body}");
    let (_, body) = http_post(
        &addr,
        br#"{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":["0xzz"]}"#,
    );
    assert!(body.contains("-32602"), "{body}");
    let (_, body) = http_post(
        &addr,
        br#"{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x04"]}"#,
    );
    assert!(body.contains("1001"), "{body}");
    // A batch.
    let (_, body) = http_post(
        &addr,
        br#"[{"jsonrpc":"2.0","id":1,"method":"system_chain","params":[]},{"jsonrpc":"2.0","id":2,"method":"system_properties","params":[]}]"#,
    );
    assert!(body.contains("TAO Development") && body.contains("\"ss58Format\":42"), "{body}");
    // Over the 15 MiB request limit.
    let big = vec![b' '; 16 * 1024 * 1024];
    let (status, _) = http_post(&addr, &big);
    assert!(status.contains("413"), "{status}");
    // Still serving.
    let (_, body) =
        http_post(&addr, br#"{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}"#);
    assert!(body.contains("isSyncing"), "{body}");
}

#[tokio::test]
async fn subscriptions_for_heads_storage_and_runtime_version() {
    use subxt::rpcs::{RpcClient, rpc_params};
    use tao_node::primitives::AccountId32;
    use tao_node::runtime::system::ACCOUNT;

    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--instant-seal"]);
    let rpc = within(RpcClient::from_insecure_url(node.url())).await.unwrap();
    let sub = |name: &'static str, unsub: &'static str, params| {
        let rpc = rpc.clone();
        async move { within(rpc.subscribe::<serde_json::Value>(name, params, unsub)).await.unwrap() }
    };
    let bob = dev::bob().public_key().0;
    let key = format!("0x{}", hex::encode(ACCOUNT.key(&AccountId32(bob))));
    let mut fin =
        sub("chain_subscribeFinalizedHeads", "chain_unsubscribeFinalizedHeads", rpc_params![])
            .await;
    let mut new = sub("chain_subscribeNewHeads", "chain_unsubscribeNewHeads", rpc_params![]).await;
    let mut storage =
        sub("state_subscribeStorage", "state_unsubscribeStorage", rpc_params![vec![key.clone()]])
            .await;
    let mut version =
        sub("state_subscribeRuntimeVersion", "state_unsubscribeRuntimeVersion", rpc_params![])
            .await;

    assert_eq!(next_item(&mut fin).await["number"], "0x0");
    assert_eq!(next_item(&mut new).await["number"], "0x0");
    assert_eq!(next_item(&mut version).await["specVersion"], tao_node::runtime::SPEC_VERSION);
    let first = next_item(&mut storage).await;
    assert_eq!(first["changes"][0][0], key.as_str());

    let api = node.client().await;
    let at = within(api.at_current_block()).await.unwrap();
    within(async {
        at.transactions()
            .sign_and_submit_then_watch_default(&transfer(bob, TAO), &dev::alice())
            .await?
            .wait_for_finalized_success()
            .await
            .map_err(subxt::Error::from)
    })
    .await
    .unwrap();
    assert_eq!(next_item(&mut new).await["number"], "0x1");
    assert_eq!(next_item(&mut fin).await["number"], "0x1");
    let changed = next_item(&mut storage).await;
    assert_ne!(changed["changes"][0][1], first["changes"][0][1], "Bob's account changed");
}

async fn next_item(
    s: &mut subxt::rpcs::client::RpcSubscription<serde_json::Value>,
) -> serde_json::Value {
    within(s.next()).await.expect("subscription open").expect("notification")
}
