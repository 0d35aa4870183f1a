//! `wtao gov` as a user runs it, on a devnet started by `wtao devnet up --detach`:
//! - an upgrade by vote: two holders delegate, one proposes upgrading TaoBridge to the V2 mock,
//!   both vote, warp, queue, execute; the proxy then reports V2 with its earlier state intact
//!   (used nonces, balances, supply, relayer set) and a new transfer mints through it;
//! - a relayer-set change by vote, while a mint signed by all three relayers waits on a paused
//!   bridge: afterwards the removed relayer's signature is refused on chain, and the held mint
//!   and a new one go through with the remaining two once a second vote unpauses the bridge;
//! - the errors a voter meets (voting twice, without votes, executing too early, --warp off
//!   anvil).
//!
//! wTAO only comes from bridging, so the holders get theirs with `wtao bridge to-eth` (the
//! devnet's relayers mint it); the lock that must wait on a paused bridge is made with
//! tao-client directly, since `to-eth` follows a transfer until it is minted.

use std::{
    future::IntoFuture,
    process::{Command, Output},
    str::FromStr,
    time::{Duration, Instant},
};

use alloy::{
    network::EthereumWallet,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolCall,
};
use serde_json::Value;
use tao_client::{Keypair, Rao, SecretUri, TaoClient};

use super::{Down, envelope, ok, repo_root, text, up_detached, wtao};

alloy::sol! {
    #[sol(rpc, all_derives)]
    interface Bridge {
        struct Mint { uint64 nonce; bytes32 taoSender; address recipient; uint256 amount; }
        function relayers() external view returns (address[] memory);
        function threshold() external view returns (uint256);
        function isNonceUsed(uint64 nonce) external view returns (bool);
        function paused() external view returns (bool);
        function pause() external;
        function hashMintBatch(Mint[] calldata batch) external view returns (bytes32);
        function mint(Mint[] calldata batch, bytes[] calldata signatures) external;
        function version() external view returns (uint256);
        function migratedAt() external view returns (uint256);
        function initializeV2() external;
        error TaoBridgeInvalidSigner(address signer);
    }

    #[sol(rpc, all_derives)]
    interface Token {
        function balanceOf(address account) external view returns (uint256);
        function totalSupply() external view returns (uint256);
    }
}

const TAO: u64 = 1_000_000_000;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Waits for `f` to return `Some`, polling; panics with `what` and the last observation.
fn wait_for<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        match f() {
            Ok(v) => return v,
            Err(last) if Instant::now() > deadline => {
                panic!("timed out after {limit:?} waiting for {what}; last: {last}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(250)),
        }
    }
}

/// A devnet of this test's own, stopped when dropped.
struct Net {
    data: Value,
    dir: String,
    _down: Down,
    _tmp: tempfile::TempDir,
}

impl Net {
    fn up() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let data_dir = tmp.path().join("devnet");
        let dir = data_dir.to_str().unwrap().to_owned();
        let down = Down(data_dir.clone());
        let data = ok(up_detached(&dir, &[]));
        Self { data, dir, _down: down, _tmp: tmp }
    }

    fn gov(&self, args: &[&str]) -> Output {
        let mut all = vec!["gov"];
        all.extend(args);
        all.extend(["--data-dir", &self.dir]);
        wtao(&all)
    }

    /// `wtao gov … --json`, which must succeed; its data.
    fn gov_ok(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        ok(self.gov(&all))
    }

    /// `wtao gov …` (human), which must fail with exit 1; its one error line.
    fn gov_err(&self, args: &[&str]) -> String {
        let out = self.gov(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {stderr}");
        assert_eq!(stderr.matches("error:").count(), 1, "printed once: {stderr}");
        assert!(!stderr.contains("Location:"), "{stderr}");
        stderr
    }

    fn rpc(&self) -> String {
        self.data["evm"]["rpc_url"].as_str().unwrap().to_owned()
    }

    fn provider(&self) -> DynProvider {
        ProviderBuilder::new().connect_http(self.rpc().parse().unwrap()).erased()
    }

    fn contract(&self, name: &str) -> Address {
        self.data["contracts"][name].as_str().unwrap().parse().unwrap()
    }

    fn eth(&self, index: usize) -> (Address, String) {
        let a = &self.data["accounts"]["eth"][index];
        (a["address"].as_str().unwrap().parse().unwrap(), a["private_key"].as_str().unwrap().into())
    }

    fn relayer_key(&self, i: usize) -> PrivateKeySigner {
        self.eth(i + 1).1.parse().unwrap()
    }

    fn wtao_balance(&self, who: Address) -> U256 {
        let p = self.provider();
        rt().block_on(Token::new(self.contract("wtao"), &p).balanceOf(who).call().into_future())
            .unwrap()
    }

    /// Locks `tao` TAO of `uri` on tao-node for `to`; returns the lock nonce.
    fn lock(&self, uri: &str, tao: u64, to: Address) -> u64 {
        let url = self.data["tao"]["ws_url"].as_str().unwrap().to_owned();
        let key = Keypair::from_uri(&SecretUri::from_str(uri).unwrap()).unwrap();
        rt().block_on(async {
            let client = TaoClient::connect(&url).await.unwrap();
            client.lock(&key, Rao(tao * TAO), to).await.unwrap().nonce
        })
    }

    /// `wtao bridge to-eth <amount> --from <from> --to <to>`, which returns once minted; the
    /// lock nonce.
    fn bridge(&self, amount: &str, from: &str, to: &str) -> u64 {
        let out = ok(wtao(&[
            "bridge",
            "to-eth",
            amount,
            "--from",
            from,
            "--to",
            to,
            "--json",
            "--data-dir",
            &self.dir,
        ]));
        assert_eq!(out["stage"], "minted", "{out:#}");
        out["nonce"].as_u64().unwrap()
    }

    /// Waits until `who` holds exactly `rao` wTAO.
    fn wait_balance(&self, who: Address, rao: u64, limit: Duration) {
        wait_for(&format!("{who} to hold {rao} rao of wTAO"), limit, || {
            let b = self.wtao_balance(who);
            if b == U256::from(rao) { Ok(()) } else { Err(format!("{b} rao")) }
        });
    }

    /// A relayer's Prometheus counter.
    fn relayer_metric(&self, i: usize, name: &str) -> u64 {
        let metrics = self.data["relayers"][i]["metrics_url"].as_str().unwrap();
        let addr =
            metrics.trim_start_matches("http://").trim_end_matches("/metrics").parse().unwrap();
        let body = wtao_devnet::http::get(addr, "/metrics").map(|r| r.body).unwrap_or_default();
        wtao_relayer::metrics::sample(&body, name, &[]).map_or(0, |v| v as u64)
    }

    /// Deploys the V2 mock implementation with the pinned forge; returns its address.
    fn deploy_v2(&self) -> Address {
        let root = repo_root();
        let contracts = root.join("contracts");
        let _lock = wtao_devnet::lock::FileLock::acquire(
            &contracts.join("cache/wtao-deploy.lock"),
            Duration::from_secs(600),
        )
        .unwrap()
        .expect("the forge cache lock");
        let forge = root.join("node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
        let wtao = self.contract("wtao").to_string();
        let key = self.eth(0).1;
        let out = Command::new(forge)
            .current_dir(&contracts)
            .args(["create", "test/mocks/TaoBridgeV2.sol:TaoBridgeV2", "--broadcast", "--json"])
            .args(["--rpc-url", &self.rpc(), "--private-key", &key])
            .args(["--constructor-args", &wtao])
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "forge create: {stdout}{}", text(&out.stderr));
        // forge prints the result as (pretty) JSON after its compiler output.
        let json = stdout.get(stdout.find('{').unwrap()..=stdout.rfind('}').unwrap()).unwrap();
        let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        v["deployedTo"].as_str().unwrap().parse().unwrap()
    }

    /// A whole vote on the devnet: propose (with `propose`'s arguments), `voters` vote for,
    /// the last with --warp, queue --warp, execute. Returns (proposal id, execute's data).
    fn pass(&self, propose: &[&str], voters: &[&str]) -> (String, Value) {
        let mut args = vec!["propose"];
        args.extend(propose);
        args.extend(["--from", voters[0], "--warp"]);
        let proposed = self.gov_ok(&args);
        assert_eq!(proposed["state"], "Active", "{proposed:#}");
        let id = proposed["id"].as_str().unwrap().to_owned();
        for (i, voter) in voters.iter().enumerate() {
            let mut args = vec!["vote", &id, "for", "--from", voter];
            if i + 1 == voters.len() {
                args.push("--warp");
            }
            let voted = self.gov_ok(&args);
            assert_eq!(voted["support"], "for");
        }
        let queued = self.gov_ok(&["queue", &id, "--from", voters[0], "--warp"]);
        assert_eq!(queued["state"], "Queued", "{queued:#}");
        assert!(queued["eta"].as_u64().unwrap() <= queued["now"].as_u64().unwrap());
        let executed = self.gov_ok(&["execute", &id, "--from", voters[0]]);
        assert_eq!(executed["state"], "Executed", "{executed:#}");
        (id, executed)
    }
}

#[test]
fn upgrade_by_vote_keeps_the_bridge_state_and_mints_through_v2() {
    let net = Net::up();
    let started = Instant::now();
    let (alice, _) = net.eth(0);
    let (ferdie, _) = net.eth(5);
    let p = net.provider();
    let bridge = net.contract("bridge");

    // Two holders get wTAO by bridging.
    let n1 = net.bridge("600tao", "eve", "alice");
    let n2 = net.bridge("400tao", "ferdie", "ferdie");
    assert_eq!(net.wtao_balance(alice), U256::from(600 * TAO));
    assert_eq!(net.wtao_balance(ferdie), U256::from(400 * TAO));

    // Votes need delegation; bob (a relayer's account) holds none.
    let d = net.gov_ok(&["delegate", "--from", "alice"]);
    assert_eq!(
        (d["delegatee_votes_rao"].as_str(), d["changed"].as_bool()),
        (Some("600000000000"), Some(true))
    );
    let d = net.gov_ok(&["delegate", "--from", "ferdie"]);
    assert_eq!(d["delegatee_votes_rao"], "400000000000");
    assert_eq!(net.gov_ok(&["delegate", "--from", "ferdie"])["changed"], false);

    let v2 = net.deploy_v2();
    // A non-UUPS target is refused before any vote is wasted on it.
    let err = net.gov_err(&[
        "propose",
        "upgrade",
        "--implementation",
        &net.contract("wtao").to_string(),
        "--from",
        "alice",
    ]);
    assert!(err.contains("is not a UUPS implementation"), "{err}");

    let before = rt().block_on(async {
        let b = Bridge::new(bridge, &p);
        let t = Token::new(net.contract("wtao"), &p);
        (
            b.relayers().call().await.unwrap(),
            b.threshold().call().await.unwrap(),
            t.totalSupply().call().await.unwrap(),
        )
    });

    let init = Bytes::from(Bridge::initializeV2Call {}.abi_encode()).to_string();
    let description = "Upgrade TaoBridge to V2\n\nAdds version().";
    let v2_text = v2.to_string();
    let propose = |from: &str| {
        net.gov(&[
            "propose",
            "upgrade",
            "--implementation",
            &v2_text,
            "--call",
            &init,
            "--description",
            description,
            "--from",
            from,
            "--warp",
            "--json",
        ])
    };
    let proposed = ok(propose("alice"));
    let id = proposed["id"].as_str().unwrap().to_owned();
    assert_eq!(proposed["state"], "Active", "{proposed:#}");
    assert_eq!(
        proposed["actions"][0]["target"].as_str().unwrap().parse::<Address>().unwrap(),
        bridge
    );
    let summary = proposed["actions"][0]["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!("TaoBridge: upgrade to implementation {v2}")),
        "{summary}"
    );
    // The same proposal twice is refused.
    let again = envelope(&propose("ferdie"));
    let msg = again["errors"][0]["message"].as_str().unwrap();
    assert!(again["success"] == false && msg.contains("exists already"), "{msg}");

    // Both holders vote; ferdie's --warp closes the vote. A prefix of the id is enough.
    let voted = net.gov_ok(&["vote", &id[..12], "for", "--from", "alice", "--reason", "ship it"]);
    assert_eq!(voted["state"], "Active", "{voted:#}");
    assert_eq!(voted["votes"]["for_rao"], "600000000000");
    let err = net.gov_err(&["vote", &id, "against", "--from", "alice"]);
    assert!(err.contains("has already voted"), "{err}");
    let err = net.gov_err(&["vote", &id, "for", "--from", "bob"]);
    assert!(err.contains("had no votes") && err.contains("holds no wTAO"), "{err}");
    let err = net.gov_err(&["execute", &id, "--from", "alice"]);
    assert!(err.contains("is Active"), "{err}");
    let voted = net.gov_ok(&["vote", &id, "for", "--from", "ferdie", "--warp"]);
    assert_eq!(voted["state"], "Succeeded", "{voted:#}");
    assert_eq!(voted["votes"]["for_rao"], "1000000000000");
    assert_eq!(voted["quorum_reached"], true);
    assert_eq!(voted["quorum_final"], true);

    let queued = net.gov_ok(&["queue", &id, "--from", "ferdie"]);
    assert_eq!(queued["state"], "Queued");
    let err = net.gov_err(&["execute", &id, "--from", "ferdie"]);
    assert!(err.contains("the timelock delay is not over") && err.contains("--warp"), "{err}");
    let executed = net.gov_ok(&["execute", &id, "--from", "ferdie", "--warp"]);
    assert_eq!(executed["state"], "Executed");
    assert!(executed["next"].as_str().unwrap().contains("nothing more to do"));

    // The proxy runs V2, its reinitializer ran, and V1's state is intact.
    rt().block_on(async {
        let b = Bridge::new(bridge, &p);
        let t = Token::new(net.contract("wtao"), &p);
        assert_eq!(b.version().call().await.unwrap(), U256::from(2u8));
        assert!(b.migratedAt().call().await.unwrap() > U256::ZERO);
        assert_eq!(b.relayers().call().await.unwrap(), before.0);
        assert_eq!(b.threshold().call().await.unwrap(), before.1);
        assert_eq!(t.totalSupply().call().await.unwrap(), before.2);
        assert!(b.isNonceUsed(n1).call().await.unwrap() && b.isNonceUsed(n2).call().await.unwrap());
        assert!(!b.isNonceUsed(n2 + 1).call().await.unwrap());
    });
    assert_eq!(net.wtao_balance(alice), U256::from(600 * TAO));
    assert_eq!(net.wtao_balance(ferdie), U256::from(400 * TAO));

    // A new transfer mints through V2.
    let n3 = net.bridge("7tao", "eve", "alice");
    assert_eq!(net.wtao_balance(alice), U256::from(607 * TAO));
    assert!(rt().block_on(Bridge::new(bridge, &p).isNonceUsed(n3).call().into_future()).unwrap());

    // list and status agree.
    let status = net.gov_ok(&["status", &id]);
    assert_eq!(status["state"], "Executed");
    assert_eq!(status["description"], "Upgrade TaoBridge to V2\n\nAdds version().");
    let list = net.gov_ok(&["list"]);
    assert_eq!(list["total"], 1);
    assert_eq!(list["proposals"][0]["id"].as_str(), Some(id.as_str()));
    let human = text(&net.gov(&["list"]).stdout);
    assert!(human.contains("Executed") && human.contains("Upgrade TaoBridge to V2"), "{human}");
    eprintln!("upgrade by vote: {:?} after devnet up", started.elapsed());
}

#[test]
fn relayer_removed_by_vote_no_longer_counts() {
    let net = Net::up();
    let started = Instant::now();
    let (ferdie, _) = net.eth(5);
    let p = net.provider();
    let bridge = net.contract("bridge");
    let relayers: Vec<Address> = (0..3).map(|i| net.relayer_key(i).address()).collect();

    net.bridge("100tao", "eve", "alice");
    net.gov_ok(&["delegate", "--from", "alice"]);

    // The guardian pauses the bridge; a lock made now is attested by all three relayers and
    // held, unminted.
    let (_, guardian_key) = net.eth(4);
    let guardian: PrivateKeySigner = guardian_key.parse().unwrap();
    let gp = ProviderBuilder::new()
        .wallet(EthereumWallet::from(guardian))
        .connect_http(net.rpc().parse().unwrap());
    rt().block_on(async {
        Bridge::new(bridge, &gp).pause().send().await.unwrap().get_receipt().await.unwrap();
    });
    let posted_before = net.relayer_metric(2, "attestations_posted_total");
    let held = net.lock("//Ferdie", 5, ferdie);
    wait_for("relayer-3 to attest the held lock", Duration::from_secs(60), || {
        let n = net.relayer_metric(2, "attestations_posted_total");
        if n > posted_before { Ok(()) } else { Err(format!("{n} posted")) }
    });

    // A batch signed by relayers 1 and 3 is valid before the vote …
    let batch = vec![Bridge::Mint {
        nonce: 1_000_000,
        taoSender: [7u8; 32].into(),
        recipient: ferdie,
        amount: U256::from(1u8),
    }];
    let digest = rt()
        .block_on(Bridge::new(bridge, &p).hashMintBatch(batch.clone()).call().into_future())
        .unwrap();
    let sign = |i: usize| {
        Bytes::from(net.relayer_key(i).sign_hash_sync(&digest).unwrap().as_bytes().to_vec())
    };
    let mut pair: Vec<(Address, Bytes)> = vec![(relayers[0], sign(0)), (relayers[2], sign(2))];
    pair.sort();
    let sigs13: Vec<Bytes> = pair.into_iter().map(|(_, s)| s).collect();
    let simulate = |sigs: Vec<Bytes>| {
        rt().block_on(async {
            let b = Bridge::new(bridge, &p);
            b.mint(batch.clone(), sigs).call().await.map(|_| ()).map_err(|e| {
                (e.as_decoded_interface_error::<Bridge::BridgeErrors>(), e.to_string())
            })
        })
    };
    // (paused: reverts with TaoBridgePaused, which this test's ABI leaves undecoded)
    let (decoded, paused) = simulate(sigs13.clone()).unwrap_err();
    assert!(decoded.is_none() && paused.contains("revert"), "{paused}");

    // … the vote removes relayer-3 (2 of 2 remain); execute mirrors the set onto tao-node.
    let r3 = relayers[2].to_string();
    let (_, executed) = net.pass(&["relayers", "--remove", &r3], &["alice"]);
    assert_eq!(executed["tao_side"]["relayers"], serde_json::json!(["relayer-1", "relayer-2"]));
    assert_eq!(executed["tao_side"]["threshold"], 2);
    let mut remaining = vec![relayers[0], relayers[1]];
    remaining.sort();
    rt().block_on(async {
        let b = Bridge::new(bridge, &p);
        let mut set = b.relayers().call().await.unwrap();
        set.sort();
        assert_eq!(set, remaining);
        assert_eq!(b.threshold().call().await.unwrap(), U256::from(2u8));
        assert!(b.paused().call().await.unwrap());
    });
    // Nothing was minted while paused.
    assert_eq!(net.wtao_balance(ferdie), U256::ZERO);

    // A second vote unpauses; the held mint goes through with relayers 1 and 2. Voting before
    // the vote opens says when it opens and how to get there; `vote --warp` opens it, votes and
    // closes it.
    let proposed = net.gov_ok(&[
        "propose",
        "unpause",
        "--description",
        "Unpause after the rotation",
        "--from",
        "alice",
    ]);
    assert_eq!(proposed["state"], "Pending", "{proposed:#}");
    let id = proposed["id"].as_str().unwrap().to_owned();
    let err = net.gov_err(&["vote", &id, "for", "--from", "alice"]);
    assert!(err.contains("is Pending: votes open at") && err.contains("--warp"), "{err}");
    assert_eq!(
        net.gov_ok(&["vote", &id, "for", "--from", "alice", "--warp"])["state"],
        "Succeeded"
    );
    assert_eq!(net.gov_ok(&["queue", &id, "--from", "alice", "--warp"])["state"], "Queued");
    let executed = net.gov_ok(&["execute", &id, "--from", "alice"]);
    assert_eq!(executed["state"], "Executed");
    assert_eq!(executed["tao_side"], Value::Null);
    net.wait_balance(ferdie, 5 * TAO, Duration::from_secs(120));
    assert!(rt().block_on(Bridge::new(bridge, &p).isNonceUsed(held).call().into_future()).unwrap());

    // Relayer-3's signature no longer counts; relayers 1 and 2 still do.
    match simulate(sigs13).unwrap_err() {
        (Some(Bridge::BridgeErrors::TaoBridgeInvalidSigner(e)), _) => {
            assert_eq!(e.signer, relayers[2]);
        }
        other => panic!("relayer-3's signature should be refused: {other:?}"),
    }
    let mut pair: Vec<(Address, Bytes)> = vec![(relayers[0], sign(0)), (relayers[1], sign(1))];
    pair.sort();
    simulate(pair.into_iter().map(|(_, s)| s).collect()).unwrap();

    // New transfers keep minting.
    net.bridge("3tao", "ferdie", "ferdie");
    assert_eq!(net.wtao_balance(ferdie), U256::from(8 * TAO));
    let list = net.gov_ok(&["list"]);
    assert_eq!(list["total"], 2);
    assert_eq!(list["proposals"][0]["title"], "Unpause after the rotation");
    assert!(
        list["proposals"][1]["title"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Relayers: remove {r3}"))
    );
    eprintln!("relayer rotation by vote: {:?} after devnet up", started.elapsed());
}

#[test]
fn warp_is_refused_off_anvil_and_keys_are_not_echoed() {
    // A JSON-RPC endpoint that is not anvil: tao-node's own HTTP port answers web3_clientVersion
    // with something else, or fails; either way --warp must refuse before signing anything.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    let out = wtao(&[
        "gov",
        "propose",
        "unpause",
        "--warp",
        "--eth-rpc",
        "http://127.0.0.1:9",
        "--governor",
        "0x0000000000000000000000000000000000000001",
        "--bridge",
        "0x0000000000000000000000000000000000000002",
        "--eth-key",
        key,
        "--data-dir",
        d,
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--warp moves the chain's clock, which only anvil"), "{stderr}");
    assert!(!stderr.contains(&key[2..]) && !text(&out.stdout).contains(&key[2..]));

    // --from names devnet keys: without a devnet it says what to do instead.
    let out = wtao(&["gov", "delegate", "--from", "alice", "--data-dir", d, "--json"]);
    let env = envelope(&out);
    assert_eq!(env["success"], false);
    let msg = env["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("no devnet is running") && msg.contains("--eth-rpc"), "{msg}");

    // A bad key is refused without printing it.
    let out = wtao(&[
        "gov",
        "delegate",
        "--eth-rpc",
        "http://127.0.0.1:9",
        "--governor",
        "0x0000000000000000000000000000000000000001",
        "--data-dir",
        d,
    ]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no EVM key: pass --eth-key"), "{stderr}");
    let out = Command::new(super::WTAO)
        .args(["gov", "delegate", "--eth-rpc", "http://127.0.0.1:9", "--governor"])
        .arg("0x0000000000000000000000000000000000000001")
        .args(["--data-dir", d])
        .env("WTAO_ETH_KEY", "0xnotakey-secret-material")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("WTAO_ETH_KEY is not a secp256k1 private key"), "{stderr}");
    assert!(!stderr.contains("secret-material"), "{stderr}");
    let help = text(&wtao(&["gov", "delegate", "--help"]).stdout);
    assert!(help.contains("WTAO_ETH_KEY") && !help.contains("secret-material"), "{help}");
}
