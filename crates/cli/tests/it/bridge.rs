//! The bridge as a user drives it, through the `wtao` binary only: `devnet up --detach` →
//! `bridge to-eth` → `bridge to-tao` → exact balances with `balance --json` (fees read from the
//! chains' receipts, never assumed) → `devnet down` → `up` resumes with the same balances and
//! the same transfers → `down`. Plus what a user sees when something is wrong.

use std::{path::Path, process::Command, time::Instant};

use serde_json::Value;

use super::{Down, WTAO, envelope, ok, text, up_detached, wtao};

/// One account's balances: (free TAO rao, ETH wei, wTAO rao), each as the CLI reports it.
fn balances(d: &str, account: &str) -> (Option<u128>, Option<u128>, Option<u128>) {
    let data = ok(wtao(&["balance", account, "--json", "--data-dir", d]));
    let row = &data["accounts"][0];
    let num = |v: &Value| v.as_str().map(|s| s.parse::<u128>().unwrap());
    (num(&row["tao"]["free_rao"]), num(&row["eth"]["eth_wei"]), num(&row["eth"]["wtao_rao"]))
}

fn num(v: &Value) -> u128 {
    v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")).parse().unwrap()
}

#[test]
fn bridge_round_trip_then_resume_with_the_same_balances() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    let up = || ok(up_detached(d, &[]));
    let first = up();
    // The checksummed form, as the CLI prints addresses.
    let ferdie_eth: alloy::primitives::Address =
        first["accounts"]["eth"][5]["address"].as_str().unwrap().parse().unwrap();
    let ferdie_eth = ferdie_eth.to_checksum(None);
    let eve_ss58 = first["accounts"]["tao"][4]["ss58"].as_str().unwrap().to_owned();
    assert_eq!(first["accounts"]["tao"][4]["uri"], "//Eve");

    let (alice_tao, _, _) = balances(d, "alice");
    let (_, ferdie_eth_wei, ferdie_wtao) = balances(d, &ferdie_eth);
    let (eve_tao, _, _) = balances(d, &eve_ss58);
    assert_eq!(ferdie_wtao, Some(0));

    // TAO → wTAO: alice (the devnet's default signer) locks 1.5 TAO for ferdie's anvil account.
    let t = Instant::now();
    let to_eth =
        ok(wtao(&["bridge", "to-eth", "1.5tao", "--to", &ferdie_eth, "--json", "--data-dir", d]));
    let to_eth_s = t.elapsed().as_secs_f64();
    assert_eq!(to_eth["stage"], "minted", "{to_eth:#}");
    assert_eq!(to_eth["amount_rao"], "1500000000");
    assert_eq!(to_eth["to"], ferdie_eth.as_str());
    assert_eq!(to_eth["from"], first["accounts"]["tao"][0]["ss58"]);
    assert!(to_eth["attestations"].as_u64().unwrap() >= 2, "{to_eth:#}");
    assert!(to_eth["mint"]["tx"].as_str().unwrap().starts_with("0x"), "{to_eth:#}");
    let lock_fee = num(&to_eth["lock"]["fee_rao"]);
    assert!(lock_fee > 0, "a lock pays a fee");
    let lock_nonce = to_eth["nonce"].as_u64().unwrap();

    // wTAO → TAO: ferdie burns 0.4 wTAO for eve.
    let t = Instant::now();
    let to_tao = ok(wtao(&[
        "bridge",
        "to-tao",
        "0.4",
        "--to",
        &eve_ss58,
        "--from",
        "ferdie",
        "--json",
        "--data-dir",
        d,
    ]));
    let to_tao_s = t.elapsed().as_secs_f64();
    assert_eq!(to_tao["stage"], "released", "{to_tao:#}");
    assert_eq!(to_tao["amount_rao"], "400000000");
    assert_eq!(to_tao["from"], ferdie_eth.as_str());
    let burn_fee = num(&to_tao["burn"]["fee_wei"]);
    assert!(burn_fee > 0, "a burn pays gas");
    let burn_nonce = to_tao["nonce"].as_u64().unwrap();
    eprintln!(
        "round trip: to-eth {to_eth_s:.1} s, to-tao {to_tao_s:.1} s (wall, binary start included)"
    );

    // Progress as a person sees it: one line per stage on stderr, the result on stdout.
    let human =
        wtao(&["bridge", "to-eth", "1rao", "--to", "ferdie", "--from", "bob", "--data-dir", d]);
    let stderr = text(&human.stderr);
    assert!(human.status.success(), "{stderr}");
    let stages: Vec<&str> = stderr.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(stages.first(), Some(&"locking"), "{stderr}");
    assert!(stderr.contains("\nlocked (nonce "), "{stderr}");
    assert!(stderr.contains("\nattested 2/2\n"), "{stderr}");
    assert!(stderr.contains("\nminted (tx 0x"), "{stderr}");
    assert!(text(&human.stdout).contains("minted in"), "{}", text(&human.stdout));

    // Exact balances: only what moved and the fees the receipts report.
    let expected = (
        alice_tao.unwrap() - 1_500_000_000 - lock_fee,
        ferdie_eth_wei.unwrap() - burn_fee,
        1_500_000_000 - 400_000_000 + 1,
        eve_tao.unwrap() + 400_000_000,
    );
    let read = |d: &str| {
        let (alice, _, _) = balances(d, "alice");
        let (_, eth, wtao) = balances(d, "ferdie");
        let (eve, _, _) = balances(d, &eve_ss58);
        (alice.unwrap(), eth.unwrap(), wtao.unwrap(), eve.unwrap())
    };
    assert_eq!(read(d), expected);

    // Down, up again: both chains resumed, so the same balances and the same transfers.
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    let again = up();
    assert_eq!(again["resumed"], true);
    assert_eq!(read(d), expected);
    let status =
        ok(wtao(&["bridge", "status", &lock_nonce.to_string(), "--json", "--data-dir", d]));
    assert_eq!(status["stage"], "minted", "{status:#}");
    assert_eq!(status["mint"]["tx"], to_eth["mint"]["tx"]);
    let status = ok(wtao(&[
        "bridge",
        "status",
        &burn_nonce.to_string(),
        "--direction",
        "to-tao",
        "--json",
        "--data-dir",
        d,
    ]));
    assert_eq!(status["stage"], "released", "{status:#}");
    assert_eq!(status["burn"]["tx"], to_tao["burn"]["tx"]);
    assert_eq!(status["to"], eve_ss58.as_str());
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
}

#[test]
fn without_a_devnet_the_bridge_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = wtao(&["bridge", "to-eth", "1.5tao", "--to", "alice", "--data-dir", d]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: no devnet is running in {d}; start one with `wtao devnet up --detach`, or \
             pass --tao-rpc ws://…"
        )
    );
    let out =
        wtao(&["balance", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "--json", "--data-dir", d]);
    assert_eq!(out.status.code(), Some(1));
    let env = envelope(&out);
    assert!(
        env["errors"][0]["message"].as_str().unwrap().ends_with("or pass --eth-rpc http://…"),
        "{env}"
    );
}

#[test]
fn bad_amounts_and_addresses_are_usage_errors() {
    let cases: [(&[&str], &str); 5] = [
        (&["bridge", "to-eth", "1.0000000001tao", "--to", "alice"], "tao has 9 decimals, 10 given"),
        (&["bridge", "to-eth", "0", "--to", "alice"], "the amount is zero"),
        (&["bridge", "to-eth", "18446744074tao", "--to", "alice"], "too large"),
        (
            &["bridge", "to-eth", "1", "--to", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267"],
            "wrong EIP-55 checksum",
        ),
        (
            &["bridge", "to-tao", "1", "--to", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"],
            "wrong SS58 checksum",
        ),
    ];
    for (args, message) in cases {
        let out = wtao(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn keys_are_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b7869zz";
    let out = Command::new(WTAO)
        .args(["-v", "bridge", "to-tao", "1", "--to", "bob", "--data-dir"])
        .arg(dir.path())
        .env("WTAO_ETH_KEY", secret)
        .env("WTAO_TAO_RPC", "ws://127.0.0.1:9")
        .env("WTAO_ETH_RPC", "http://127.0.0.1:9")
        .env("WTAO_BRIDGE", "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9")
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("--eth-key / WTAO_ETH_KEY is not a secp256k1 private key"), "{all}");
    assert!(!all.contains("59c6995e"), "the key leaked: {all}");
    // --help shows the variable's name, never its value.
    let out = Command::new(WTAO)
        .args(["bridge", "to-tao", "--help"])
        .env("WTAO_ETH_KEY", secret)
        .output()
        .unwrap();
    let help = text(&out.stdout);
    assert!(help.contains("WTAO_ETH_KEY") && !help.contains("59c6995e"), "{help}");
}

#[test]
fn keystores_made_by_keys_new_sign_bridge_commands() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("ks");
    let s = store.to_str().unwrap();
    let new = |extra: &[&str]| {
        let mut args = vec!["keys", "new", "--keystore", s, "--json"];
        args.extend(extra);
        Command::new(WTAO).args(&args).env("WTAO_KEYS_PASSWORD", "pw").output().unwrap()
    };
    let made = ok(new(&[]));
    assert!(Path::new(s).join("eth.json").is_file() && Path::new(s).join("tao.json").is_file());
    // It is the relayer's keystore format: the relayer library opens it.
    let keys =
        wtao_relayer::RelayerKeys::open(&store, &wtao_relayer::secret::Secret::new("pw")).unwrap();
    assert_eq!(made["eth_address"], keys.eth_address().to_checksum(None));
    assert_eq!(made["tao_ss58"], keys.tao_account().to_string());
    // Never overwritten.
    let again = new(&[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stdout).contains("already exists"), "{}", text(&again.stdout));
    // `keys show` reads it back with the password from the environment or a file.
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "pw\n").unwrap();
    let shown = ok(wtao(&[
        "keys",
        "show",
        "--keystore",
        s,
        "--password-file",
        pw.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(shown["eth_address"], made["eth_address"]);
    assert_eq!(shown["tao_ss58"], made["tao_ss58"]);
    std::fs::write(&pw, "wrong\n").unwrap();
    let out = wtao(&["keys", "show", "--keystore", s, "--password-file", pw.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("wrong password"), "{}", text(&out.stderr));
    // No password and no terminal: said, not hung.
    let out = Command::new(WTAO)
        .args(["keys", "show", "--keystore", s])
        .env_remove("WTAO_KEYS_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("WTAO_KEYS_PASSWORD") || stderr.contains("--password-file"),
        "{stderr}"
    );
}

#[test]
fn help_of_bridge_to_eth_is_as_documented() {
    // No WTAO_* variables: clap shows their values in the help.
    let out = Command::new(WTAO).args(["bridge", "to-eth", "--help"]).env_clear().output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    let snapshot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots/bridge_to_eth_help.txt");
    if std::env::var_os("WTAO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &help).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        help, expected,
        "`wtao bridge to-eth --help` changed; if on purpose, rerun with WTAO_UPDATE_SNAPSHOTS=1"
    );
}
