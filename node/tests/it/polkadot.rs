//! `@polkadot/api` (16.5, pinned in the root package.json) against the real node: the script
//! `node/tests/polkadot/transfer.mjs` connects, checks the chain properties, and sends a
//! `transfer_keep_alive` with `signAndSend` until finalized. The node logs every RPC call
//! (`rpc::calls=debug`), so the test also checks polkadot.js called nothing the node lacks and
//! prints the list (`--nocapture` shows it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use subxt::rpcs::{RpcClient, rpc_params};
use tao_node::test_utils::TestNodeConfig;

use super::{BIN, DEADLINE, Node, within};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("node/ has a parent").to_owned()
}

/// `method` or `state_call:Api_method` of each call the node logged, with counts.
fn rpc_calls(logs: &[String]) -> BTreeMap<String, usize> {
    let field = |line: &str, key: &str| {
        let rest = &line[line.find(key)? + key.len()..];
        Some(rest.split_whitespace().next()?.trim_matches('"').to_owned())
    };
    let mut calls = BTreeMap::new();
    for line in logs.iter().filter(|l| l.contains("rpc::calls")) {
        let Some(method) = field(line, "method=") else { continue };
        let name = match field(line, "api=") {
            Some(api) => format!("{method}:{api}"),
            None => method,
        };
        *calls.entry(name).or_insert(0) += 1;
    }
    calls
}

#[tokio::test]
async fn polkadot_js_transfer_keep_alive_finalizes() {
    let root = repo_root();
    let script = root.join("node/tests/polkadot/transfer.mjs");
    assert!(
        root.join("node_modules/@polkadot/api/package.json").is_file()
            && root.join("node_modules/@polkadot/keyring/package.json").is_file(),
        "@polkadot/api is not installed: run `npm ci` in {} (scripts/test.sh does it first)",
        root.display()
    );

    let dir = tempfile::tempdir().unwrap();
    let mut config = TestNodeConfig::dev(BIN, dir.path());
    config.rust_log = "warn,rpc::calls=debug".into();
    let node = Node::start_with(config);

    let mut child = Command::new("node")
        .arg(&script)
        .arg(node.url())
        .current_dir(&root)
        .env("TAO_POLKADOT_TIMEOUT_MS", DEADLINE.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run `node` (node >= 18 is required): {e}"));
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut { stdout }, &mut out);
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut err);
        let _ = tx.send((out, err));
    });
    // The script has its own hard timeout (DEADLINE); allow a little more before giving up.
    let (out, err) = rx.recv_timeout(DEADLINE + DEADLINE / 2).unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("transfer.mjs did not finish in time")
    });
    let status = child.wait().unwrap();
    let result: serde_json::Value = out
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no JSON result from transfer.mjs ({status})\n{out}\n{err}"));
    assert!(status.success() && result["ok"] == true, "transfer.mjs failed ({status}):\n{err}");

    assert_eq!(result["ss58"], 42);
    assert_eq!(result["tokenSymbol"], "TAO");
    assert_eq!(result["tokenDecimals"], 9);
    assert_eq!(result["specVersion"], tao_node::runtime::SPEC_VERSION);
    let num = |k: &str| result[k].as_str().unwrap().parse::<u128>().unwrap();
    assert_eq!(num("bobAfter") - num("bobBefore"), num("amount"));
    assert_eq!(num("amount"), 1_500_000_123);
    assert!(num("fee") > 0);
    assert_eq!(result["aliceNonceAfter"], 1);
    let events: Vec<&str> =
        result["events"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    for want in
        ["balances.Transfer", "transactionPayment.TransactionFeePaid", "system.ExtrinsicSuccess"]
    {
        assert!(events.contains(&want), "{want} missing from {events:?}");
    }

    // Everything polkadot.js called is a method the node serves.
    let rpc = within(RpcClient::from_insecure_url(node.url())).await.unwrap();
    let methods: serde_json::Value =
        within(rpc.request("rpc_methods", rpc_params![])).await.unwrap();
    let served: Vec<&str> =
        methods["methods"].as_array().unwrap().iter().filter_map(|m| m.as_str()).collect();
    let calls = rpc_calls(&node.0.logs());
    eprintln!("RPC calls made by @polkadot/api (method[:runtime api] count):");
    for (call, n) in &calls {
        eprintln!("  {call} {n}");
    }
    for call in calls.keys() {
        let method = call.split(':').next().unwrap();
        assert!(served.contains(&method), "polkadot.js called {method}, which the node lacks");
    }
    for want in ["author_submitAndWatchExtrinsic", "state_call:Metadata_metadata_at_version"] {
        assert!(calls.contains_key(want), "{want} not among {calls:?}");
    }
}
