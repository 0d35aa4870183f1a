//! The `wtao-relayer` binary's own commands: keys, config errors, status from the data dir.

use std::path::Path;
use std::process::{Command, Output};

/// A valid config up to (and inside) its `[eth]` section.
const CONFIG: &str = r#"data_dir = "db"
[tao]
url = "ws://127.0.0.1:9944"
[eth]
rpc_url = "http://127.0.0.1:8545"
chain_id = 31337
bridge = "0x00000000000000000000000000000000000000aa"
"#;

fn relayer(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wtao-relayer"))
        .args(args)
        .current_dir(dir)
        .env_remove("WTAO_RELAYER_KEYS_PASSWORD")
        .output()
        .expect("run wtao-relayer")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn keys_new_show_and_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "correct horse\n").unwrap();
    std::fs::write(dir.path().join("bad"), "wrong\n").unwrap();
    let new = relayer(&["keys", "new", "--dir", "k", "--password-file", "pw"], dir.path());
    assert!(new.status.success(), "{}", text(&new));
    let show = relayer(&["keys", "show", "--dir", "k", "--password-file", "pw"], dir.path());
    assert!(show.status.success(), "{}", text(&show));
    // The same two identities both times.
    let ids = |o: &Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("eth address:") || l.starts_with("tao account:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(ids(&new).len(), 2, "{}", text(&new));
    assert_eq!(ids(&new), ids(&show));
    let again = relayer(&["keys", "new", "--dir", "k", "--password-file", "pw"], dir.path());
    assert!(!again.status.success(), "overwrote an existing keystore");
    let wrong = relayer(&["keys", "show", "--dir", "k", "--password-file", "bad"], dir.path());
    assert!(!wrong.status.success());
    let nopw = relayer(&["keys", "show", "--dir", "k"], dir.path());
    assert!(!nopw.status.success());
    assert!(text(&nopw).contains("WTAO_RELAYER_KEYS_PASSWORD"), "{}", text(&nopw));
}

#[test]
fn bad_config_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), format!("{CONFIG}confirmations = 0\n")).unwrap();
    let out = relayer(&["run", "--config", "r.toml"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("eth.confirmations"), "{}", text(&out));
    let missing = relayer(&["run", "--config", "nope.toml"], dir.path());
    assert!(!missing.status.success());
    assert!(text(&missing).contains("nope.toml"), "{}", text(&missing));
}

#[test]
fn status_reads_the_data_dir_when_not_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.toml"),
        format!("{CONFIG}[metrics]\naddr = \"127.0.0.1:1\"\n"),
    )
    .unwrap();
    let out = relayer(&["status", "--config", "r.toml"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["batches_total"], 0);
    assert!(v["tao_next_block"].is_null());
}
