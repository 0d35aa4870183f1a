//! The GPU-scored subnet end to end, through `wtao` processes only (the CPU engine, profile ci):
//! a fresh devnet; an honest, a lazy and a lying `wtao miner run` and two staked `wtao validator
//! run`s on the demo subnet. After the validators have set weights and an epoch has run, the
//! metagraph shows incentive for the honest miner only (lazy and lying exactly 0) and dividends
//! for both validators, and the validators' reports name the cheaters' failed tiles. Then the
//! devnet goes down and resumes (tao-node restarts on the same port): every agent reports the
//! outage once, reconnects and carries on (the miner commits, the validators set weights for a
//! later epoch).
//!
//! The demo subnet's `WeightsSetRateLimit` (100 blocks) is lowered to 0 by sudo first, as
//! `devnet up --subnet-demo` does, so the validators can set weights every 10-block tempo.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;
use tao_client::{AdminUtilsCall, TaoClient, dev};

use super::{Down, WTAO, ok, repo_root, up_detached, wtao};

/// A `wtao` agent process, killed when dropped; its stdout (events, one JSON object per line)
/// and stderr go to files.
struct Agent {
    name: &'static str,
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Agent {
    fn spawn(name: &'static str, dir: &Path, d: &str, key: &str, args: &[&str]) -> Self {
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let child = Command::new(WTAO)
            .args(args)
            .args(["--netuid", "1", "--profile", "ci", "--scorer", "cpu", "--json"])
            .args(["--data-dir", d])
            .env("WTAO_TAO_KEY_URI", key)
            .env("RUST_LOG", "subnet_agents=info,scoring=info")
            .current_dir(repo_root())
            .stdout(Stdio::from(File::create(&stdout).unwrap()))
            .stderr(Stdio::from(File::create(&stderr).unwrap()))
            .spawn()
            .unwrap();
        Self { name, child, stdout, stderr }
    }

    /// The events printed so far.
    fn events(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.stdout)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Everything it printed, for a failure message.
    fn dump(&self) -> String {
        format!(
            "--- {} stdout\n{}--- {} stderr\n{}",
            self.name,
            std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            self.name,
            std::fs::read_to_string(&self.stderr).unwrap_or_default()
        )
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn metagraph(d: &str) -> Value {
    ok(wtao(&["subnet", "metagraph", "--netuid", "1", "--json", "--data-dir", d]))
}

fn u16_of(m: &Value, uid: u64, field: &str) -> u64 {
    m["neurons"][uid as usize][field]["u16"].as_u64().unwrap()
}

#[test]
fn subnet_demo_only_the_honest_miner_earns_and_both_validators_earn_dividends() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    // A fixed TAO port, so that the agents find tao-node again after the restart below.
    let tao_port = wtao_devnet::free_port().to_string();
    let start = || {
        ok(wtao(&[
            "devnet",
            "up",
            "--detach",
            "--json",
            "--data-dir",
            d,
            "--anvil-port",
            "0",
            "--tao-port",
            &tao_port,
            "--metrics-port",
            "0",
        ]))
    };
    let up = start();
    let ws = up["tao"]["ws_url"].as_str().unwrap().to_owned();

    // Weights every tempo: lower the demo subnet's WeightsSetRateLimit (root, via sudo).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let tao = TaoClient::connect(&ws).await.unwrap();
        let call = AdminUtilsCall::sudo_set_weights_set_rate_limit {
            netuid: 1,
            weights_set_rate_limit: 0,
        };
        tao.sudo_admin_utils(&dev::alice(), call).await.unwrap();
    });

    // Three miners and two validators, all owned by alice's coldkey; stake on the validators.
    let keys = [
        ("honest", "//Alice//honest"),
        ("lazy", "//Alice//lazy"),
        ("lying", "//Alice//lying"),
        ("validator-1", "//Alice//validator1"),
        ("validator-2", "//Alice//validator2"),
    ];
    let mut uids = Vec::new();
    for (_, key) in keys {
        let r = ok(wtao(&[
            "subnet",
            "register",
            "--netuid",
            "1",
            "--hotkey-uri",
            key,
            "--json",
            "--data-dir",
            d,
        ]));
        uids.push((r["uid"].as_u64().unwrap(), r["hotkey"].as_str().unwrap().to_owned()));
    }
    for (_, hotkey) in &uids[3..] {
        ok(wtao(&[
            "subnet",
            "stake",
            "100tao",
            "--netuid",
            "1",
            "--hotkey",
            hotkey,
            "--json",
            "--data-dir",
            d,
        ]));
    }
    let (honest, lazy, lying, v1, v2) = (uids[0].0, uids[1].0, uids[2].0, uids[3].0, uids[4].0);

    let tmp = dir.path();
    let mut agents = [
        Agent::spawn("honest", tmp, d, keys[0].1, &["miner", "run"]),
        Agent::spawn("lazy", tmp, d, keys[1].1, &["miner", "run", "--mode", "lazy"]),
        Agent::spawn("lying", tmp, d, keys[2].1, &["miner", "run", "--mode", "lying"]),
        Agent::spawn("validator-1", tmp, d, keys[3].1, &["validator", "run"]),
        Agent::spawn("validator-2", tmp, d, keys[4].1, &["validator", "run"]),
    ];
    let dump = |agents: &[Agent]| agents.iter().map(Agent::dump).collect::<Vec<_>>().join("");

    // Wait until both validators have set weights and an epoch after that has paid out.
    let deadline = Instant::now() + Duration::from_secs(180);
    let m = loop {
        let m = metagraph(d);
        let set: Vec<u64> = agents[3..]
            .iter()
            .filter_map(|a| {
                a.events()
                    .iter()
                    .rev()
                    .find(|e| e["event"] == "weights_set")
                    .and_then(|e| e["block"].as_u64())
            })
            .collect();
        let commits = agents[0].events().iter().filter(|e| e["event"] == "committed").count();
        let paid = set.len() == 2
            && commits >= 2
            && m["neurons"][v1 as usize]["last_update"].as_u64().unwrap_or(0) > 0
            && u16_of(&m, honest, "incentive") > 0
            && u16_of(&m, v1, "dividends") > 0
            && u16_of(&m, v2, "dividends") > 0;
        if paid {
            break m;
        }
        let exited: Vec<String> = agents
            .iter_mut()
            .filter_map(|a| Some(format!("{} exited with {}", a.name, a.child.try_wait().ok()??)))
            .collect();
        assert!(exited.is_empty(), "{exited:?}\n{}", dump(&agents));
        assert!(
            Instant::now() < deadline,
            "no payout after 180 s; metagraph {m:#}\n{}",
            dump(&agents)
        );
        // Poll interval (1 s blocks), not a synchronisation: the condition decides.
        std::thread::sleep(Duration::from_millis(1_000));
    };

    assert_eq!(u16_of(&m, lazy, "incentive"), 0, "lazy earns nothing: {m:#}");
    assert_eq!(u16_of(&m, lying, "incentive"), 0, "lying earns nothing: {m:#}");
    assert!(u16_of(&m, honest, "incentive") > 0);

    // What the validators saw: the honest miner valid, the cheaters caught by recomputation.
    for v in &agents[3..] {
        let scored: Vec<Value> =
            v.events().into_iter().filter(|e| e["event"] == "scored").collect();
        let last =
            scored.last().unwrap_or_else(|| panic!("{} scored nothing\n{}", v.name, dump(&agents)));
        let verdict = |uid: u64| {
            last["miners"].as_array().unwrap().iter().find(|s| s["uid"] == uid).unwrap()["verdict"]
                .clone()
        };
        assert_eq!(verdict(honest)["verdict"], "valid", "{last:#}");
        assert_eq!(verdict(lazy)["verdict"], "wrong_digest", "{last:#}");
        assert_eq!(verdict(lying)["verdict"], "wrong_digest", "{last:#}");
    }

    // tao-node restarts (the whole devnet goes down and resumes on the same port): every agent
    // reports the outage once, reconnects, and carries on with the next epochs.
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    let resumed = start();
    assert_eq!(resumed["resumed"], true);
    let after = metagraph(d)["block"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let reconnected = agents.iter().all(|a| {
            let events = a.events();
            let count = |name: &str| events.iter().filter(|e| e["event"] == name).count();
            count("disconnected") == 1 && count("reconnected") == 1
        });
        let committed_again = agents[0].events().iter().any(|e| {
            e["event"] == "committed" && e["epoch"].as_u64().is_some_and(|epoch| epoch > after)
        });
        let weights_again = agents[3..].iter().all(|a| {
            a.events().iter().any(|e| {
                e["event"] == "weights_set" && e["epoch"].as_u64().is_some_and(|ep| ep > after)
            })
        });
        if reconnected && committed_again && weights_again {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the agents did not carry on after the restart (block {after})\n{}",
            dump(&agents)
        );
        std::thread::sleep(Duration::from_millis(1_000));
    }
}

#[test]
fn devnet_up_subnet_demo_runs_two_miners_and_a_validator_until_down() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    let up = ok(up_detached(d, &["--subnet-demo"]));
    let agents = up["agents"].as_array().unwrap();
    let names: Vec<&str> = agents.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["miner-1", "miner-2", "validator-1"], "{up:#}");
    let pids: Vec<u32> = agents.iter().map(|a| a["pid"].as_u64().unwrap() as u32).collect();
    let uid = |i: usize| agents[i]["uid"].as_u64().unwrap();
    let processes = up["processes"].as_array().unwrap();
    assert!(processes.iter().any(|p| p["name"] == "validator-1"), "{up:#}");

    // The demo runs by itself: the validator sets weights, Yuma pays both honest miners.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let m = metagraph(d);
        if u16_of(&m, uid(0), "incentive") > 0 && u16_of(&m, uid(1), "incentive") > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "no incentive after 120 s: {m:#}");
        std::thread::sleep(Duration::from_millis(1_000));
    }
    let logs = wtao(&["devnet", "logs", "validator-1", "-n", "50", "--data-dir", d]);
    let text = String::from_utf8_lossy(&logs.stdout).into_owned();
    assert!(text.contains("set weights at block"), "{text}");

    // `down` stops the agents with the rest.
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    for pid in pids {
        assert!(!Path::new(&format!("/proc/{pid}")).exists(), "agent {pid} outlived the devnet");
    }
}
