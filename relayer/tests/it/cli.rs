//! The `wtao-relayer` binary's own commands: keys, config errors, status from the data dir.

use std::path::Path;
use std::process::{Command, Output};

/// A valid config up to (and inside) its `[eth]` section.
pub(crate) const CONFIG: &str = r#"data_dir = "db"
[tao]
url = "ws://127.0.0.1:9944"
[eth]
rpc_url = "http://127.0.0.1:8545"
chain_id = 31337
bridge = "0x00000000000000000000000000000000000000aa"
"#;

/// `wtao-relayer args…` in `dir`, with no `WTAO_RELAYER_*` variable but `env`.
pub(crate) fn relayer_with(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wtao-relayer"));
    cmd.args(args).current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("WTAO_RELAYER_") {
            cmd.env_remove(name);
        }
    }
    cmd.envs(env.iter().copied()).output().expect("run wtao-relayer")
}

fn relayer(args: &[&str], dir: &Path) -> Output {
    relayer_with(args, dir, &[])
}

pub(crate) fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The `eth address:` and `tao account:` lines of a `keys` command.
fn ids(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("eth address:") || l.starts_with("tao account:"))
        .map(str::to_owned)
        .collect()
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
    assert_eq!(ids(&new).len(), 2, "{}", text(&new));
    assert_eq!(ids(&new), ids(&show));
    let again = relayer(&["keys", "new", "--dir", "k", "--password-file", "pw"], dir.path());
    assert!(!again.status.success(), "overwrote an existing keystore");
    // Refused before a new password file is written for it.
    let again = relayer(&["keys", "new", "--dir", "k", "--password-file", "new.pw"], dir.path());
    assert!(!again.status.success(), "overwrote an existing keystore");
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    assert!(!dir.path().join("new.pw").exists());
    let wrong = relayer(&["keys", "show", "--dir", "k", "--password-file", "bad"], dir.path());
    assert!(!wrong.status.success());
    let nopw = relayer(&["keys", "show", "--dir", "k"], dir.path());
    assert!(!nopw.status.success());
    assert!(text(&nopw).contains("WTAO_RELAYER_KEYS_PASSWORD"), "{}", text(&nopw));
}

/// The README's command on a fresh clone: neither `keys/` nor `secrets/` exists yet.
#[test]
fn keys_new_as_the_readme_writes_it_on_a_fresh_clone() {
    let dir = tempfile::tempdir().unwrap();
    let new = relayer(
        &["keys", "new", "--dir", "keys/r1", "--password-file", "secrets/r1.pw"],
        dir.path(),
    );
    assert!(new.status.success(), "{}", text(&new));
    let out = text(&new);
    assert!(out.contains("secrets/r1.pw"), "says where the password went: {out}");
    // How to register both identities, with the identities filled in.
    let [eth, tao] = &ids(&new)[..] else { panic!("{out}") };
    let eth = eth.trim_start_matches("eth address: ");
    let tao = tao.trim_start_matches("tao account: ");
    assert!(out.contains("setRelayers(address[],uint256)"), "{out}");
    assert!(out.contains(&format!("--relayer {tao}={eth}")), "{out}");
    let pw = std::fs::read_to_string(dir.path().join("secrets/r1.pw")).unwrap();
    assert_eq!(pw.trim_end().len(), 64, "a 256-bit random password");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode =
            |p: &str| std::fs::metadata(dir.path().join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("secrets/r1.pw"), 0o600);
        assert_eq!(mode("secrets"), 0o700);
        assert_eq!(mode("keys/r1"), 0o700);
        assert_eq!(mode("keys/r1/eth.json"), 0o600);
    }
    // The file it wrote opens the keystore.
    let show = relayer(
        &["keys", "show", "--dir", "keys/r1", "--password-file", "secrets/r1.pw"],
        dir.path(),
    );
    assert!(show.status.success(), "{}", text(&show));
    assert_eq!(ids(&show), ids(&new));
}

#[test]
fn an_empty_password_is_refused_and_digits_are_a_password() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.pw"), "\n").unwrap();
    let out = relayer(&["keys", "new", "--dir", "k", "--password-file", "empty.pw"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("empty"), "{}", text(&out));
    assert!(!dir.path().join("k").exists(), "nothing written");
    let out = relayer_with(
        &["keys", "new", "--dir", "k"],
        dir.path(),
        &[("WTAO_RELAYER_KEYS_PASSWORD", "")],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("empty"), "{}", text(&out));
    // A password of digits only is a password (it used to be read as a TOML integer).
    let digits = [("WTAO_RELAYER_KEYS_PASSWORD", "123456")];
    let new = relayer_with(&["keys", "new", "--dir", "k"], dir.path(), &digits);
    assert!(new.status.success(), "{}", text(&new));
    let show = relayer_with(&["keys", "show", "--dir", "k"], dir.path(), &digits);
    assert!(show.status.success(), "{}", text(&show));
}

#[test]
fn bad_config_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), format!("{CONFIG}confirmations = 0\n")).unwrap();
    let out = relayer(&["run", "--config", "r.toml"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("eth.confirmations"), "{}", text(&out));
    assert!(text(&out).contains("r.toml"), "{}", text(&out));
    let missing = relayer(&["run", "--config", "nope.toml"], dir.path());
    assert!(!missing.status.success());
    assert!(text(&missing).contains("nope.toml"), "{}", text(&missing));
}

#[test]
fn an_env_error_names_the_variable_and_a_flag_error_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), CONFIG).unwrap();
    let out = relayer_with(
        &["run", "--config", "r.toml"],
        dir.path(),
        &[("WTAO_RELAYER_ETH_CONFIRMATIONS", "twelve")],
    );
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("environment variable WTAO_RELAYER_ETH_CONFIRMATIONS"), "{t}");
    assert!(!t.contains("r.toml"), "blames the file: {t}");
    let out = relayer(&["run", "--config", "r.toml", "--tao-url", "http://x"], dir.path());
    assert!(!out.status.success());
    assert!(text(&out).contains("flag --tao-url"), "{}", text(&out));
}

#[test]
fn a_password_in_the_config_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.toml"),
        format!("{CONFIG}[keys]\ndir = \"k\"\npassword = \"hunter2\"\n"),
    )
    .unwrap();
    let out = relayer(&["run", "--config", "r.toml"], dir.path());
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("keys.password") && t.contains("password_file"), "{t}");
    assert!(!t.contains("hunter2"), "{t}");
}

/// Start with a real keystore and the password in the environment, at trace level, against
/// endpoints that refuse the connection: whatever is logged on the way must not include the
/// password.
#[test]
fn logs_never_print_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "Tr0ub4dor&3-secret";
    let pw = [("WTAO_RELAYER_KEYS_PASSWORD", secret)];
    let new = relayer_with(&["keys", "new", "--dir", "k"], dir.path(), &pw);
    assert!(new.status.success(), "{}", text(&new));
    let config = CONFIG.replace("9944", "1").replace("8545", "1");
    std::fs::write(dir.path().join("r.toml"), format!("{config}[keys]\ndir = \"k\"\n")).unwrap();
    for format in ["text", "json"] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wtao-relayer"));
        let out = cmd
            .args(["run", "--config", "r.toml", "--log-format", format])
            .current_dir(dir.path())
            .env("RUST_LOG", "trace")
            .env("WTAO_RELAYER_KEYS_PASSWORD", secret)
            .output()
            .unwrap();
        let t = text(&out);
        assert!(!out.status.success(), "nothing listens on port 1: {t}");
        // It got past the keystore (decrypted with the password) to the connection.
        assert!(t.contains("127.0.0.1:1"), "{t}");
        assert!(!t.contains(secret), "the password is in the output:\n{t}");
    }
}

#[test]
fn status_reads_the_data_dir_when_not_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("conf")).unwrap();
    std::fs::write(
        dir.path().join("conf/r.toml"),
        format!("{CONFIG}[metrics]\naddr = \"127.0.0.1:1\"\n"),
    )
    .unwrap();
    // Run from elsewhere: `data_dir = "db"` is the config file's folder's.
    let out = relayer(&["status", "--json", "--config", "conf/r.toml"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stages"]["approve"]["open"], 0);
    assert_eq!(v["parked"], serde_json::json!([]));
    assert!(v["tao_next_block"].is_null());
    // The text report says the same.
    let out = relayer(&["status", "--config", "conf/r.toml"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("no parked items"), "{report}");
    assert!(report.contains("approve      0       0"), "{report}");
    assert!(dir.path().join("conf/db").is_dir(), "the store opened next to the config");
    assert!(!dir.path().join("db").exists());
}
