//! Bittensor's own Python clients, unmodified (installed from PyPI into `.venv/bittensor` by
//! `scripts/python-env.sh`, pinned in `node/tests/python/requirements.txt`), against the real
//! node:
//!
//! * the `bittensor` SDK (11.x, its own transport and `bittensor-core` codec):
//!   `node/tests/python/sdk.py` connects, reads a balance, transfers, registers a hotkey on the
//!   demo subnet, lists subnets, reads the metagraph of netuid 1 and its neurons (lite and
//!   full), and reports each check as JSON;
//! * `bittensor-cli` (9.x, async-substrate-interface + cyscale): `btcli wallet balance`,
//!   `btcli wallet transfer --no-prompt` and `btcli subnets list`. btcli exits 0 even when a
//!   command failed, so every check asserts on what it printed.
//!
//! Each run gets its own `$HOME`: both clients cache metadata and write wallets there.
//! `--nocapture` prints every check's duration and the RPC calls the clients made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tao_node::test_utils::TestNodeConfig;

use super::{BIN, Node};

/// Python runs take longer than RPC round trips: imports alone are ~2 s, a btcli command ~5 s.
const PY_DEADLINE: Duration = Duration::from_secs(240);

/// `//Alice` and `//Bob` in SS58 (prefix 42).
const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("node/ has a parent").to_owned()
}

/// The venv's interpreter; a missing venv is a setup error with the command that fixes it.
fn venv_python() -> PathBuf {
    let root = repo_root();
    let python = root.join(".venv/bittensor/bin/python");
    assert!(
        python.is_file(),
        "the Python clients are not installed: run `scripts/python-env.sh` in {} \
         (scripts/test.sh does it first)",
        root.display()
    );
    python
}

/// Run `python args…` with `home` as `$HOME`, killed after [`PY_DEADLINE`].
fn run_python(home: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(venv_python())
        .args(args)
        .current_dir(repo_root())
        .env("HOME", home)
        // No colours, no terminal width games: the output is parsed.
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("TERM", "dumb")
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the venv's python");
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let _ = std::io::Read::read_to_end(&mut { stdout }, &mut out);
        let _ = std::io::Read::read_to_end(&mut { stderr }, &mut err);
        let _ = tx.send((out, err));
    });
    let Ok((stdout, stderr)) = rx.recv_timeout(PY_DEADLINE) else {
        let _ = child.kill();
        panic!("python {args:?} did not finish within {PY_DEADLINE:?}");
    };
    let status = child.wait().unwrap();
    Output { status, stdout, stderr }
}

/// bittensor-cli's `btcli` (the venv also has bittensor 11's own `btcli` on the same path);
/// returns stdout and stderr together.
fn btcli(home: &Path, args: &[&str]) -> String {
    const LAUNCH: &str =
        "import sys; from bittensor_cli.cli import main; sys.argv[0] = 'btcli'; main()";
    let mut full = vec!["-c", LAUNCH];
    full.extend_from_slice(args);
    let started = Instant::now();
    let out = run_python(home, &full);
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!(
        "btcli {} ({:.1}s, {}):\n{text}",
        args.join(" "),
        started.elapsed().as_secs_f64(),
        out.status
    );
    text
}

/// Start a dev node that logs every RPC call.
fn start_node(dir: &Path) -> Node {
    let mut config = TestNodeConfig::dev(BIN, dir);
    config.rust_log = "warn,rpc::calls=debug".into();
    Node::start_with(config)
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

fn print_calls(who: &str, node: &Node) {
    eprintln!("RPC calls made by {who} (method[:runtime api] count):");
    for (call, n) in rpc_calls(&node.0.logs()) {
        eprintln!("  {call} {n}");
    }
}

#[tokio::test]
async fn bittensor_sdk_connects_reads_and_transfers() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let node = start_node(dir.path());
    let script = repo_root().join("node/tests/python/sdk.py");
    let started = Instant::now();
    let out = run_python(home.path(), &[script.to_str().unwrap(), node.url()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("sdk.py ran in {:.1}s", started.elapsed().as_secs_f64());
    print_calls("the bittensor SDK", &node);
    let report: serde_json::Value =
        stdout.lines().rev().find_map(|l| serde_json::from_str(l).ok()).unwrap_or_else(|| {
            panic!("no JSON report from sdk.py ({})\n{stdout}\n{stderr}", out.status)
        });
    let checks = report["checks"].as_object().expect("checks");
    let mut failed = Vec::new();
    for (name, c) in checks {
        eprintln!("  {name}: ok={} ({}s)", c["ok"], c["secs"]);
        if c["ok"] != true {
            failed.push(format!("{name}: {}\n{}", c["error"], c["trace"].as_str().unwrap_or("")));
        }
    }
    let values = &report["values"];
    eprintln!("values: {values:#}");
    assert!(failed.is_empty(), "SDK checks failed:\n{}\n{stderr}", failed.join("\n"));
    for want in [
        "connect",
        "balance",
        "transfer",
        "register",
        "subnets",
        "metagraph",
        "neurons_lite",
        "neurons_full",
    ] {
        assert_eq!(checks.get(want).map(|c| &c["ok"]), Some(&true.into()), "{want} did not run");
    }

    // What the SDK read is what the chain holds.
    assert_eq!(values["spec_version"], tao_node::runtime::SPEC_VERSION);
    assert_eq!(values["bob_delta_rao"], 1_500_000_123u64);
    assert!(values["transfer_fee_rao"].as_u64().is_some_and(|f| f > 0), "fee {values:#}");
    let netuids: Vec<u64> = values["subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["netuid"].as_u64().unwrap())
        .collect();
    assert_eq!(netuids, [0, 1], "subnets");
    let mg = &values["metagraph"];
    assert_eq!(mg["netuid"], 1);
    assert_eq!(mg["owner_coldkey"], ALICE);
    let hotkeys = mg["hotkeys"].as_array().unwrap();
    assert_eq!(mg["num_uids"].as_u64().unwrap(), hotkeys.len() as u64);
    let uid = values["registered_uid"].as_u64().expect("registered uid") as usize;
    assert_eq!(mg["coldkeys"][uid], BOB, "the registered hotkey's coldkey");
    for key in ["neurons_lite", "neurons_full"] {
        let ns = values[key].as_array().unwrap();
        assert_eq!(ns.len(), hotkeys.len(), "{key} vs metagraph");
        assert_eq!(ns[uid]["hotkey"], hotkeys[uid], "{key}");
    }
}

#[tokio::test]
async fn btcli_wallet_balance_transfer_and_subnets_list() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let node = start_node(dir.path());
    let url = node.url().to_owned();
    let h = home.path();
    let wallets = h.join(".bittensor/wallets");
    let wallets = wallets.to_str().unwrap();
    let net = ["--network", url.as_str()];
    // Every command runs, then every failure is reported together.
    let mut failed = Vec::new();
    let mut check = |name: &str, ok: bool, out: &str| {
        if !ok {
            failed.push(format!("{name}:\n{out}"));
        }
    };
    // btcli prints an error (and exits 0) without raising; these mark a failed command.
    let clean = |out: &str| {
        !["Error", "error:", "Traceback", "❌", "Failed"].iter().any(|bad| out.contains(bad))
    };

    // A wallet for //Alice, without a password or a prompt.
    let out = btcli(
        h,
        &["wallet", "create", "--uri", "Alice", "--wallet-name", "alice", "--hotkey", "default"]
            .into_iter()
            .chain(["--no-use-password", "--wallet-path", wallets])
            .collect::<Vec<_>>(),
    );
    let created = h.join(".bittensor/wallets/alice/coldkeypub.txt").is_file();
    assert!(created, "btcli wallet create wrote no wallet:\n{out}");

    let balance = |who: &[&str]| {
        let mut args = vec!["wallet", "balance"];
        args.extend_from_slice(who);
        args.extend_from_slice(&["--wallet-path", wallets]);
        args.extend_from_slice(&net);
        btcli(h, &args)
    };
    let out = balance(&["--wallet-name", "alice"]);
    // The table has //Alice's coldkey and a free balance in TAO.
    check("wallet balance", clean(&out) && out.contains(ALICE) && out.contains("τ"), &out);

    let mut args = vec!["wallet", "transfer", "--destination", BOB, "--amount", "1.5"];
    args.extend_from_slice(&["--wallet-name", "alice", "--wallet-path", wallets, "--no-prompt"]);
    args.extend_from_slice(&net);
    let out = btcli(h, &args);
    check("wallet transfer", clean(&out) && out.to_lowercase().contains("finalized"), &out);
    // //Bob's dev endowment is 1,000,000 TAO.
    let out = balance(&["--ss58", BOB]);
    let got = out.contains("1,000,001.5") || out.contains("1000001.5");
    check("wallet balance after transfer", clean(&out) && got, &out);

    let mut args = vec!["subnets", "list"];
    args.extend_from_slice(&net);
    let out = btcli(h, &args);
    // One row per subnet: root (0) and the demo subnet (1).
    let rows = out.lines().filter(|l| l.trim_start().starts_with(['0', '1'])).count();
    check("subnets list", clean(&out) && rows >= 2, &out);

    print_calls("btcli", &node);
    assert!(failed.is_empty(), "btcli checks failed:\n{}", failed.join("\n"));
}
