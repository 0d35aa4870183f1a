//! The `wtao` binary as a user runs it: `devnet up --detach` → `status` → a second `up` refused →
//! `down` → `up` resumes both chains, the contracts and the relayers' stores → `down`; the help
//! text; errors printed once, as text or JSON, with the documented exit codes; the multi-call
//! programs.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::{Value, json};

mod bridge;
mod gov;
mod quickstart;
mod scoring;
mod subnet;
mod subnet_demo;

const WTAO: &str = env!("CARGO_BIN_EXE_wtao");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn wtao(args: &[&str]) -> Output {
    Command::new(WTAO)
        .args(args)
        .current_dir(repo_root())
        .env_remove("WTAO_DEVNET_DIR")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `--json` envelope on stdout (the last line: a foreground command prints one).
fn envelope(out: &Output) -> Value {
    let stdout = text(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!("no JSON envelope ({e}); stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr))
    })
}

fn ok(out: Output) -> Value {
    let env = envelope(&out);
    assert!(
        out.status.success() && env["success"] == true,
        "{env:#}\nstderr:\n{}",
        text(&out.stderr)
    );
    assert_eq!(env["schema_version"], 1);
    env["data"].clone()
}

/// `wtao devnet up --detach --json` into `data_dir` with every port free (0), plus `extra` flags.
fn up_detached(data_dir: &str, extra: &[&str]) -> Output {
    let mut args = vec!["devnet", "up", "--detach", "--json", "--data-dir", data_dir];
    args.extend(["--anvil-port", "0", "--tao-port", "0", "--metrics-port", "0"]);
    args.extend(extra);
    wtao(&args)
}

/// Stops the devnet even when an assertion fails halfway.
struct Down(PathBuf);

impl Drop for Down {
    fn drop(&mut self) {
        let _ = wtao(&["devnet", "down", "--data-dir", self.0.to_str().unwrap()]);
    }
}

fn tao_height(data: &Value) -> u64 {
    let url = data["tao"]["http_url"].as_str().unwrap();
    let header = wtao_devnet::http::json_rpc(url, "chain_getHeader", json!([])).unwrap();
    wtao_devnet::http::quantity(&header["number"]).unwrap()
}

fn relayer_status(data: &Value, i: usize) -> Value {
    let metrics = data["relayers"][i]["metrics_url"].as_str().unwrap();
    let addr = metrics.trim_start_matches("http://").trim_end_matches("/metrics").parse().unwrap();
    let response = wtao_devnet::http::get(addr, "/status").unwrap();
    serde_json::from_str(&response.body).unwrap()
}

/// The relayer store's files by inode: the same inodes after a restart mean the same store.
fn store_inodes(data: &Value, i: usize) -> Vec<(String, u64)> {
    let store = Path::new(data["relayers"][i]["store"].as_str().unwrap());
    let mut files: Vec<(String, u64)> = std::fs::read_dir(store)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().ino())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn devnet_up_status_refuse_down_resume_down() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    let up = |extra: &[&str]| up_detached(d, extra);

    let first = ok(up(&[]));
    assert_eq!(first["resumed"], false);
    assert_eq!(first["bridge"]["relayers"], 3);
    assert_eq!(first["bridge"]["threshold"], 2);
    assert_eq!(first["evm"]["chain_id"], 31_337);
    assert_eq!(first["relayers"].as_array().unwrap().len(), 3);
    // Balances with units in the base unit, as strings.
    let alice = &first["accounts"]["tao"][0];
    assert_eq!((alice["uri"].as_str(), alice["role"].as_str()), (Some("//Alice"), Some("sudo")));
    assert_eq!(alice["balance_rao"], "1000000000000000");
    assert_eq!(first["accounts"]["eth"][4]["role"], "guardian");
    assert_eq!(first["accounts"]["eth"][1]["wtao_balance_rao"], "0");
    let pid = first["pid"].as_u64().unwrap();

    // tao-node's genesis trusts exactly the deployed relayers, on the deployed bridge.
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(first["tao"]["chain_spec"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let bridge = &spec["genesis"]["bridge"];
    assert_eq!(bridge["threshold"], 2);
    assert_eq!(bridge["evmChainId"], 31_337);
    assert_eq!(bridge["bridgeContract"], first["contracts"]["bridge"]);
    for (i, r) in first["relayers"].as_array().unwrap().iter().enumerate() {
        assert_eq!(bridge["relayers"][i]["ethAddress"], r["eth_address"]);
    }

    let status = ok(wtao(&["devnet", "status", "--json", "--data-dir", d]));
    assert_eq!(status["running"], true);
    assert_eq!(status["pid"].as_u64(), Some(pid));
    assert_eq!(status["contracts"], first["contracts"]);
    assert_eq!(status["processes"].as_array().unwrap().len(), 5, "anvil, tao-node, 3 relayers");

    // A second devnet on the same data dir is refused, --fresh included, and nothing is wiped.
    for extra in [&[][..], &["--fresh"][..]] {
        let out = up(extra);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let env = envelope(&out);
        assert_eq!(env["success"], false);
        assert_eq!(env["errors"][0]["code"], "devnet.busy");
        let msg = env["errors"][0]["message"].as_str().unwrap();
        assert!(msg.contains("wtao devnet down") && msg.contains(&pid.to_string()), "{msg}");
    }
    let human = wtao(&["devnet", "up", "--fresh", "--data-dir", d]);
    let stderr = text(&human.stderr);
    assert_eq!(human.status.code(), Some(1));
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: a devnet is already running in"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "printed once: {stderr}");
    assert_eq!(
        ok(wtao(&["devnet", "status", "--json", "--data-dir", d]))["contracts"],
        first["contracts"]
    );

    let logs = wtao(&["devnet", "logs", "relayer-1", "-n", "200", "--data-dir", d]);
    assert!(text(&logs.stdout).contains("relayer connected"), "{}", text(&logs.stdout));

    let height = tao_height(&first);
    let cursor = relayer_status(&first, 0)["tao_next_block"].as_u64().unwrap();
    let stores: Vec<_> = (0..3).map(|i| store_inodes(&first, i)).collect();
    let down = ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    assert_eq!((down["stopped"].as_bool(), down["pid"].as_u64()), (Some(true), Some(pid)));
    assert_eq!(ok(wtao(&["devnet", "status", "--json", "--data-dir", d]))["running"], false);

    let again = ok(up(&[]));
    assert_eq!(again["resumed"], true);
    assert_eq!(again["contracts"], first["contracts"], "the same contracts");
    assert!(tao_height(&again) >= height, "the TAO chain resumed, it did not restart");
    for (i, before) in stores.iter().enumerate() {
        // sled may add snapshot files; every file of the store it had is still the same file.
        let after = store_inodes(&again, i);
        assert!(
            before.iter().all(|f| after.contains(f)),
            "relayer {i}'s store: {before:?} → {after:?}"
        );
        assert!(before.iter().any(|(name, _)| name == "db"), "{before:?}");
    }
    let resumed_cursor = relayer_status(&again, 0)["tao_next_block"].as_u64().unwrap();
    assert!(resumed_cursor >= cursor, "relayer-1 resumed at {resumed_cursor}, was at {cursor}");
    assert_ne!(again["pid"], first["pid"]);
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    assert_eq!(ok(wtao(&["devnet", "down", "--json", "--data-dir", d]))["stopped"], false);
}

#[test]
fn help_of_devnet_up_is_as_documented() {
    let out = wtao(&["devnet", "up", "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    let snapshot =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots/devnet_up_help.txt");
    if std::env::var_os("WTAO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &help).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        help, expected,
        "`wtao devnet up --help` changed; if on purpose, rerun with WTAO_UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn errors_are_printed_once_without_source_locations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let bad = ["devnet", "up", "--threshold", "1", "--data-dir", d];
    let out = Command::new(WTAO).args(bad).env("RUST_BACKTRACE", "1").output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr.trim(),
        "error: --threshold 1 with 3 relayers: the threshold must be a strict majority (N/2 < M <= N)"
    );
    assert!(out.stdout.is_empty());

    // -v: the whole report, with where it came from.
    let out = wtao(&["-v", "devnet", "up", "--threshold", "1", "--data-dir", d]);
    assert!(text(&out.stderr).contains("Location:"), "{}", text(&out.stderr));

    // --json: failures are JSON too, on stdout.
    let out = wtao(&["--json", "devnet", "up", "--threshold", "1", "--data-dir", d]);
    assert_eq!(out.status.code(), Some(1));
    let env = envelope(&out);
    assert_eq!(env["success"], false);
    assert_eq!(env["data"], Value::Null);
    assert_eq!(env["errors"][0]["code"], "devnet.bad_config");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    // A folder of other files is never touched.
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = wtao(&["devnet", "up", "--fresh", "--data-dir", d]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("holds no devnet"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn usage_errors_exit_2() {
    let out = wtao(&["devnet", "up", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--no-such-flag"));
    let out = wtao(&["--json", "devnet", "up", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let env = envelope(&out);
    assert_eq!(env["errors"][0]["code"], "usage");
    assert!(env["errors"][0]["message"].as_str().unwrap().contains("--no-such-flag"));
    let out = wtao(&["devnet", "logs", "nobody", "--data-dir", "/nonexistent/wtao-devnet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no log named `nobody`"), "{}", text(&out.stderr));
}

#[test]
fn wtao_is_also_tao_node_and_wtao_relayer() {
    // As the hidden subcommand …
    let out = wtao(&["node", "build-spec", "--dev"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let spec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(spec["id"], "tao_dev");
    // … and by name, as the devnet starts it.
    let dir = tempfile::tempdir().unwrap();
    let relayer = dir.path().join("wtao-relayer");
    std::os::unix::fs::symlink(WTAO, &relayer).unwrap();
    let out = Command::new(&relayer).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(help.contains("Usage: wtao-relayer") && help.contains("keys"), "{help}");
}

#[test]
fn four_relayers_with_threshold_3_agree_on_both_chains() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    let data = ok(up_detached(d, &["--relayers", "4", "--threshold", "3"]));
    assert_eq!(
        (data["bridge"]["relayers"].as_u64(), data["bridge"]["threshold"].as_u64()),
        (Some(4), Some(3))
    );
    let relayers = data["relayers"].as_array().unwrap();
    assert_eq!(relayers.len(), 4, "all four healthy: up returns only then");
    assert_eq!(relayers[3]["tao_uri"], "//Relayer4");

    // The extra relayer's TAO key is endowed in genesis; the guardian is anvil account 5.
    let tao = data["accounts"]["tao"].as_array().unwrap();
    let r4 = tao.iter().find(|a| a["uri"] == "//Relayer4").unwrap();
    assert_eq!(r4["role"], "relayer-4");
    assert_ne!(r4["balance_rao"], "0", "{r4:#}");
    let eth = data["accounts"]["eth"].as_array().unwrap();
    assert_eq!(eth[4]["role"], "relayer-4");
    assert_eq!(eth[5]["role"], "guardian");

    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(data["tao"]["chain_spec"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let bridge = &spec["genesis"]["bridge"];
    assert_eq!(bridge["threshold"], 3);
    assert_eq!(bridge["relayers"].as_array().unwrap().len(), 4);
    for (i, r) in relayers.iter().enumerate() {
        assert_eq!(bridge["relayers"][i]["ethAddress"], r["eth_address"]);
        assert!(relayer_status(&data, i).is_object());
    }

    // A resume without flags keeps the shape; other flags on this data dir are refused.
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
    let out = wtao(&["devnet", "up", "--detach", "--json", "--data-dir", d, "--relayers", "3"]);
    assert_eq!(out.status.code(), Some(1));
    let env = envelope(&out);
    assert_eq!(env["errors"][0]["code"], "devnet.data_dir_mismatch");
    let msg = env["errors"][0]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("4 relayers") && msg.contains("--fresh"), "{msg}");
}

#[test]
fn logs_follow_prints_new_lines_as_they_come() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let log = logs.join("anvil.log");
    std::fs::write(&log, "old line\n").unwrap();
    /// Kills the follower even when an assertion fails (it never exits by itself).
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Killed(
        Command::new(WTAO)
            .args(["devnet", "logs", "anvil", "-f", "--data-dir", dir.path().to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = || rx.recv_timeout(std::time::Duration::from_secs(20)).expect("a line within 20 s");
    assert_eq!(next(), "old line");
    // A line written in two parts is printed once, whole.
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    write!(f, "new ").unwrap();
    f.flush().unwrap();
    writeln!(f, "line").unwrap();
    assert_eq!(next(), "new line");
}
