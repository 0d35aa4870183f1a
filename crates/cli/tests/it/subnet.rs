//! Subnets as a user runs them, through the `wtao` binary only: `devnet up --detach` → `subnet
//! list` shows root and the demo subnet → a validator and two miners `register` on netuid 1 →
//! `stake` to the validator → `weights` from the validator → one tempo later `metagraph`
//! shows incentive for both miners and dividends for the validator → `unstake` → `down`. On
//! the way: `create` a subnet, and the errors a user meets (a chain error by its
//! SubtensorModule name, a refused amount).

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Down, envelope, ok, text, up_detached, wtao};

fn num(v: &Value) -> u128 {
    v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")).parse().unwrap()
}

/// The devnet's view of `netuid`'s neurons.
fn metagraph(d: &str) -> Value {
    ok(wtao(&["subnet", "metagraph", "--netuid", "1", "--json", "--data-dir", d]))
}

/// Polls `metagraph` until `done` holds, or fails after `limit` with the last one seen.
fn wait_for(d: &str, limit: Duration, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + limit;
    loop {
        let m = metagraph(d);
        if done(&m) {
            return m;
        }
        assert!(Instant::now() < deadline, "no {what} after {limit:?}; last metagraph: {m:#}");
        // Poll interval (a block is 1 s), not a synchronisation: the condition decides.
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn neuron(m: &Value, uid: u64) -> &Value {
    &m["neurons"][uid as usize]
}

#[test]
fn subnet_register_stake_weights_then_yuma_pays_miners_and_validator() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    let up = ok(up_detached(d, &[]));
    let alice = up["accounts"]["tao"][0]["ss58"].as_str().unwrap().to_owned();
    let eve = up["accounts"]["tao"][4]["ss58"].as_str().unwrap().to_owned();
    // The summary lists the genesis subnets.
    let summary: Vec<u64> =
        up["subnets"].as_array().unwrap().iter().map(|s| s["netuid"].as_u64().unwrap()).collect();
    assert_eq!(summary, [0, 1], "{:#}", up["subnets"]);

    // `subnet list`: root and the demo subnet, owned by alice.
    let list = ok(wtao(&["subnet", "list", "--json", "--data-dir", d]));
    let subnets = list["subnets"].as_array().unwrap();
    let netuids: Vec<u64> = subnets.iter().map(|s| s["netuid"].as_u64().unwrap()).collect();
    assert_eq!(netuids, [0, 1], "{list:#}");
    let demo = &subnets[1];
    assert_eq!((demo["name"].as_str(), demo["owner"].as_str()), (Some("demo"), Some(&*alice)));
    assert_eq!(demo["tempo"], 10);
    assert_eq!(demo["neurons"], 1, "the owner hotkey is uid 0");
    assert_eq!(demo["emission_fraction"], 1.0);
    assert_eq!(subnets[0]["emission_fraction"], 0.0);
    let burn = num(&demo["burn_rao"]);
    assert!(burn > 0);
    let rate_limit = demo["weights_rate_limit"].as_u64().unwrap();
    let human = wtao(&["subnet", "list", "--data-dir", d]);
    let table = text(&human.stdout);
    assert!(human.status.success(), "{}", text(&human.stderr));
    assert!(table.starts_with("netuid  name  symbol  owner"), "{table}");
    assert!(table.contains("    1  demo") && table.contains("1/256"), "{table}");

    // A validator (eve's key, which has TAO for set_weights' fee) and two miners, all owned by
    // alice's coldkey (the devnet's default signer).
    let register = |hotkey: &[&str]| {
        let mut args = vec!["subnet", "register", "--netuid", "1", "--json", "--data-dir", d];
        args.extend(hotkey);
        ok(wtao(&args))
    };
    let v = register(&["--hotkey", "eve"]);
    assert_eq!(v["hotkey"], eve.as_str());
    assert_eq!(v["coldkey"], alice.as_str());
    // The price decays every block from what `list` showed, towards MinBurn.
    let paid = num(&v["burn_rao"]);
    assert!(paid <= burn && paid > burn / 2, "paid {paid} of a {burn} burn");
    assert!(num(&v["fee_rao"]) > 0);
    let m1 = register(&["--hotkey-uri", "//Alice//miner1"]);
    let m2 = register(&["--hotkey-uri", "//Alice//miner2"]);
    let (v_uid, m1_uid, m2_uid) =
        (v["uid"].as_u64().unwrap(), m1["uid"].as_u64().unwrap(), m2["uid"].as_u64().unwrap());
    assert_eq!((v_uid, m1_uid, m2_uid), (1, 2, 3));
    let again = wtao(&["subnet", "register", "--netuid", "1", "--hotkey", "eve", "--data-dir", d]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already uid 1 on subnet 1"), "{}", text(&again.stderr));

    // Stake to the validator.
    let stake = ok(wtao(&[
        "subnet",
        "stake",
        "100tao",
        "--netuid",
        "1",
        "--hotkey",
        &eve,
        "--json",
        "--data-dir",
        d,
    ]));
    assert_eq!(stake["staked_rao"], "100000000000");
    assert_eq!(stake["stake_rao"], "100000000000");
    let too_much = wtao(&[
        "subnet",
        "stake",
        "2000000tao",
        "--netuid",
        "1",
        "--hotkey",
        &eve,
        "--json",
        "--data-dir",
        d,
    ]);
    assert_eq!(too_much.status.code(), Some(1));
    let env = envelope(&too_much);
    let message = env["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("nothing was staked") && message.contains("2,000,000 TAO"), "{env}");

    // A second subnet, then a chain error by name: bob's coldkey cannot register alice's
    // hotkey (eve) there.
    let created = ok(wtao(&["subnet", "create", "--json", "--data-dir", d]));
    assert_eq!(created["netuid"], 2);
    assert!(num(&created["locked_rao"]) > 0);
    assert_eq!(created["owner"], alice.as_str());
    let foreign = wtao(&[
        "subnet",
        "register",
        "--netuid",
        "2",
        "--hotkey",
        "eve",
        "--from",
        "bob",
        "--json",
        "--data-dir",
        d,
    ]);
    let env = envelope(&foreign);
    assert_eq!(foreign.status.code(), Some(1));
    assert_eq!(env["errors"][0]["code"], "subtensor.NonAssociatedColdKey", "{env}");
    let message = env["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("sign with that coldkey"), "{message}");

    // The validator may set weights once its permit is granted (at an epoch) and the rate
    // limit since its registration has passed.
    let next = v["block"].as_u64().unwrap() + rate_limit;
    wait_for(d, Duration::from_secs(60 + 2 * rate_limit), "validator permit", |m| {
        neuron(m, v_uid)["validator_permit"] == true && m["block"].as_u64().unwrap() >= next
    });
    let (m1s, m2s) = (m1_uid.to_string(), m2_uid.to_string());
    let uids = format!("{m1s},{m2s}");
    let weights = ok(wtao(&[
        "subnet",
        "weights",
        "--netuid",
        "1",
        "--uids",
        &uids,
        "--weights",
        "0.6,0.4",
        "--hotkey-uri",
        "//Eve",
        "--json",
        "--data-dir",
        d,
    ]));
    assert_eq!(weights["uid"], v_uid);
    assert_eq!(weights["weights"][0]["u16"], 65_535);
    assert_eq!(weights["weights"][1]["u16"], 43_690);
    let set_at = weights["block"].as_u64().unwrap();

    // One tempo later Yuma has paid the miners incentive and the validator dividends.
    let m = wait_for(d, Duration::from_secs(120), "incentive and dividends", |m| {
        m["block"].as_u64().unwrap() > set_at
            && neuron(m, m1_uid)["incentive"]["u16"].as_u64().unwrap() > 0
            && neuron(m, m2_uid)["incentive"]["u16"].as_u64().unwrap() > 0
            && neuron(m, v_uid)["dividends"]["u16"].as_u64().unwrap() > 0
    });
    let inc = |uid| neuron(&m, uid)["incentive"]["float"].as_f64().unwrap();
    assert!(inc(m1_uid) > inc(m2_uid), "0.6 beats 0.4: {m:#}");
    assert!(num(&neuron(&m, v_uid)["stake_rao"]) >= 100_000_000_000);
    let human = wtao(&["subnet", "metagraph", "--netuid", "1", "--data-dir", d]);
    let table = text(&human.stdout);
    assert!(table.contains("uid  hotkey") && table.contains("incentive  dividends"), "{table}");
    assert_eq!(table.lines().filter(|l| l.ends_with("yes") || l.ends_with("no")).count(), 4);

    // Unstake part of it; more than staked is refused before signing.
    let staked = num(&ok(wtao(&[
        "subnet",
        "metagraph",
        "--netuid",
        "1",
        "--json",
        "--data-dir",
        d,
    ]))["neurons"][v_uid as usize]["stake_rao"]);
    let unstake = ok(wtao(&[
        "subnet",
        "unstake",
        "10tao",
        "--netuid",
        "1",
        "--hotkey",
        &eve,
        "--json",
        "--data-dir",
        d,
    ]));
    assert_eq!(unstake["amount_rao"], "10000000000");
    let free_gain = num(&unstake["free_after_rao"]) + num(&unstake["fee_rao"])
        - num(&unstake["free_before_rao"]);
    assert_eq!(free_gain, 10_000_000_000, "{unstake:#}");
    assert!(num(&unstake["stake_rao"]) < staked);
    let over = wtao(&[
        "subnet",
        "unstake",
        "1000000tao",
        "--netuid",
        "1",
        "--hotkey",
        &eve,
        "--data-dir",
        d,
    ]);
    assert_eq!(over.status.code(), Some(1));
    assert!(text(&over.stderr).contains("nothing was unstaked"), "{}", text(&over.stderr));
}
