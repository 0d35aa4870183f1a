//! `wtao-relayer`: run a relayer, manage its keys, inspect its state.

use std::io::BufRead as _;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use eyre::{WrapErr, eyre};
use wtao_relayer::config::{KeysConfig, LogFormat, Override, PASSWORD_VAR};
use wtao_relayer::keys::Prompt;
use wtao_relayer::metrics::{self, Metrics};
use wtao_relayer::secret::Secret;
use wtao_relayer::store::Store;
use wtao_relayer::{Relayer, RelayerConfig, RelayerKeys, keys};

/// One relayer of the wTAO bridge: moves TAO locks to wTAO mints and wTAO burns to TAO releases,
/// together with the other relayers (M of N must agree).
#[derive(Debug, Parser)]
#[command(name = "wtao-relayer", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the relayer until SIGINT/SIGTERM.
    ///
    /// State lives in `data_dir`; stopping it at any moment (even kill -9) and starting it
    /// again resumes where it was, without repeating or losing a transfer.
    Run {
        #[command(flatten)]
        config: ConfigArgs,
        /// Devnet mode: allow keys from WTAO_RELAYER_DEV_ETH_KEY (hex) and
        /// WTAO_RELAYER_DEV_TAO_SURI (e.g. //Bob) instead of a keystore.
        #[arg(long)]
        dev: bool,
    },
    /// Create, import or show the relayer's keys (an encrypted keystore directory).
    Keys {
        #[command(subcommand)]
        cmd: KeysCommand,
    },
    /// Print cursors, each stage's queue, parked items (attempts, next attempt, last error)
    /// and items that failed for good: from the running relayer's /status endpoint, or
    /// straight from the data dir when it is not running.
    Status {
        #[command(flatten)]
        config: ConfigArgs,
        /// Print the JSON document instead of the text report.
        #[arg(long)]
        json: bool,
    },
}

/// The configuration: a TOML file, then `WTAO_RELAYER_<SECTION>_<FIELD>` variables, then these
/// flags, each over the one before (see the README's wtao-relayer section).
#[derive(Debug, Args)]
#[command(next_help_heading = "Configuration")]
struct ConfigArgs {
    /// The configuration file; relative paths in it are relative to its folder.
    #[arg(long, short, value_name = "FILE")]
    config: PathBuf,
    /// Overrides `data_dir`.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<String>,
    /// Overrides `tao.url` (ws:// or wss://).
    #[arg(long, value_name = "URL")]
    tao_url: Option<String>,
    /// Overrides `tao.urls`: more tao-node endpoints for failover, comma-separated.
    #[arg(long, value_name = "URL,URL")]
    tao_urls: Option<String>,
    /// Overrides `eth.rpc_url` (http:// or https://).
    #[arg(long, value_name = "URL")]
    eth_rpc_url: Option<String>,
    /// Overrides `eth.rpc_urls`: more EVM endpoints for failover and the quorum, comma-separated.
    #[arg(long, value_name = "URL,URL")]
    eth_rpc_urls: Option<String>,
    /// Overrides `eth.quorum`: EVM endpoints that must agree on a burn before it is approved.
    #[arg(long, value_name = "K")]
    eth_quorum: Option<String>,
    /// Overrides `metrics.addr` (HOST:PORT; empty turns the endpoint off).
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<String>,
    /// Overrides `log.format` (text or json).
    #[arg(long, value_name = "FORMAT")]
    log_format: Option<String>,
    /// Overrides `store.retention_hours`: how long finished transfers stay in the store
    /// (0 = forever).
    #[arg(long, value_name = "HOURS")]
    store_retention_hours: Option<String>,
}

impl ConfigArgs {
    fn load(&self) -> eyre::Result<RelayerConfig> {
        let flags: Vec<Override> = [
            ("--data-dir", "data_dir", &self.data_dir),
            ("--tao-url", "tao.url", &self.tao_url),
            ("--tao-urls", "tao.urls", &self.tao_urls),
            ("--eth-rpc-url", "eth.rpc_url", &self.eth_rpc_url),
            ("--eth-rpc-urls", "eth.rpc_urls", &self.eth_rpc_urls),
            ("--eth-quorum", "eth.quorum", &self.eth_quorum),
            ("--metrics-addr", "metrics.addr", &self.metrics_addr),
            ("--log-format", "log.format", &self.log_format),
            ("--store-retention-hours", "store.retention_hours", &self.store_retention_hours),
        ]
        .into_iter()
        .filter_map(|(flag, field, value)| {
            value.clone().map(|value| Override { flag, field, value })
        })
        .collect();
        RelayerConfig::load(&self.config, std::env::vars(), &flags)
            .wrap_err("invalid relayer configuration")
    }
}

/// Where a `keys` command finds the keystore and its password.
#[derive(Debug, Args)]
struct KeystoreArgs {
    /// Keystore directory (eth.json, tao.json).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// File whose first line is the password. `keys new` and `keys import` write a random
    /// password into it when it does not exist yet. WTAO_RELAYER_KEYS_PASSWORD overrides it;
    /// with neither, the password is asked on the terminal.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

impl KeystoreArgs {
    fn keys_config(&self) -> KeysConfig {
        KeysConfig {
            dir: Some(self.dir.clone()),
            password_file: self.password_file.clone(),
            password: std::env::var(PASSWORD_VAR).ok().map(Secret::new),
        }
    }
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Generate a new secp256k1 + sr25519 key pair into DIR (eth.json, tao.json), and print how
    /// to register them with both chains.
    New {
        #[command(flatten)]
        keystore: KeystoreArgs,
    },
    /// Import existing secrets, read from standard input (never from the command line, which
    /// other users can see): line 1 the secp256k1 key, line 2 the sr25519 mini secret, both
    /// as 32-byte hex.
    Import {
        #[command(flatten)]
        keystore: KeystoreArgs,
    },
    /// Print the Ethereum address and TAO account of the keystore in DIR.
    Show {
        #[command(flatten)]
        keystore: KeystoreArgs,
    },
}

fn print_keys(keys: &RelayerKeys) {
    println!("eth address: {}", keys.eth_address());
    println!("tao account: {}", keys.tao_account());
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The password for a new keystore in an empty place; says on stderr when it was written to a
/// new file.
fn new_password(keystore: &KeystoreArgs) -> eyre::Result<Secret> {
    RelayerKeys::ensure_absent(&keystore.dir)?;
    let (password, note) = keys::new_password(&keystore.keys_config(), Prompt::Terminal)?;
    if let Some(note) = note {
        eprintln!("{note}");
    }
    Ok(password)
}

#[tokio::main]
async fn main() -> eyre::Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Command::Run { config, dev } => {
            wtao_relayer::crash::arm(dev);
            let config = config.load()?;
            init_logs(config.log.format);
            let keys =
                RelayerKeys::load(&config.keys, dev, |v| std::env::var(v).ok(), Prompt::Terminal)?;
            run(config, keys).await
        }
        Command::Keys { cmd } => match cmd {
            KeysCommand::New { keystore } => {
                let password = new_password(&keystore)?;
                let keys = RelayerKeys::generate(&keystore.dir, &password)?;
                println!("new keystore in {}", keystore.dir.display());
                print_keys(&keys);
                eprintln!("\n{}", keys::registration_help(&keys));
                Ok(())
            }
            KeysCommand::Import { keystore } => {
                let password = new_password(&keystore)?;
                let mut lines = std::io::stdin().lock().lines();
                let mut next = |what| -> eyre::Result<String> {
                    lines.next().transpose()?.ok_or_else(|| eyre!("missing {what} on stdin"))
                };
                let eth = keys::parse_secret("secp256k1 key", &next("line 1 (secp256k1 key)")?)?;
                let tao = keys::parse_secret("sr25519 secret", &next("line 2 (sr25519 secret)")?)?;
                let keys = RelayerKeys::create(&keystore.dir, &password, &eth, &tao)?;
                println!("imported into {}", keystore.dir.display());
                print_keys(&keys);
                eprintln!("\n{}", keys::registration_help(&keys));
                Ok(())
            }
            KeysCommand::Show { keystore } => {
                let password = keys::password_or_prompt(&keystore.keys_config(), Prompt::Terminal)?;
                print_keys(&RelayerKeys::open(&keystore.dir, &password)?);
                Ok(())
            }
        },
        Command::Status { config, json } => {
            let config = config.load()?;
            status(&config, json).await
        }
    }
}

async fn run(config: RelayerConfig, keys: RelayerKeys) -> eyre::Result<()> {
    let metrics = Arc::new(Metrics::default());
    let relayer = Relayer::connect(config.clone(), keys, metrics.clone())
        .await
        .wrap_err("while starting the relayer")?;
    if let Some(addr) = config.metrics.addr {
        let store = relayer.store();
        let local = metrics::serve(addr, metrics, Arc::new(move || summary(&store)))
            .await
            .wrap_err_with(|| format!("while binding the metrics endpoint {addr}"))?;
        tracing::info!(%local, "metrics on http://{local}/metrics, health on /health");
    }
    relayer.run(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// The store as JSON: cursors, each stage's open and parked items, the open batches and burns,
/// and the items that failed for good. Reads the open-item index, not the history.
fn summary(store: &Store) -> serde_json::Value {
    summary_at(store, wtao_relayer::store::now_ms())
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

fn summary_at(
    store: &Store,
    now_ms: u64,
) -> Result<serde_json::Value, wtao_relayer::error::StoreError> {
    use serde_json::json;
    use wtao_relayer::store::{Kind, MintStatus, Stage};
    let mut stages = serde_json::Map::new();
    let mut parked = Vec::new();
    for stage in Stage::ALL {
        let items = store.open_items(stage)?;
        let n_parked = items.iter().filter(|(_, a)| a.parked()).count();
        stages.insert(stage.label().into(), json!({ "open": items.len(), "parked": n_parked }));
        for (id, a) in items.into_iter().filter(|(_, a)| a.parked()) {
            parked.push(json!({
                "stage": stage.label(),
                "id": id,
                "attempts": a.attempts,
                "next_attempt_in_s": a.next_at_ms.saturating_sub(now_ms).div_ceil(1000),
                "open_for_s": now_ms.saturating_sub(a.since_ms) / 1000,
                "last_error": a.last_error,
            }));
        }
    }
    let mut batches_open = Vec::new();
    for (block, _) in store.open_items(Stage::Mint)? {
        if let Some(b) = store.batch(block)? {
            batches_open.push(json!({
                "tao_block": b.block,
                "locks": b.mints.len(),
                "total_rao": b.total().to_string(),
                "signatures": b.signatures.len(),
                "attested": b.attested,
                "attest_error": b.attest_error,
                "status": b.status,
            }));
        }
    }
    let mut burns_open = Vec::new();
    for (nonce, _) in store.open_items(Stage::Approve)? {
        if let Some(b) = store.burn(nonce)? {
            burns_open.push(json!(b));
        }
    }
    let mut failed = Vec::new();
    for item in store.failed()? {
        let (kind, reason) = match item.kind {
            Kind::Batch => {
                let reason = store.batch(item.id)?.and_then(|b| match b.status {
                    MintStatus::Failed { reason } => Some(reason),
                    _ => None,
                });
                ("batch", reason)
            }
            Kind::Burn => {
                let reason = store.burn(item.id)?.map(|b| match b.status {
                    wtao_relayer::store::BurnStatus::Conflict => "conflict on tao-node".to_owned(),
                    wtao_relayer::store::BurnStatus::Dropped { reason }
                    | wtao_relayer::store::BurnStatus::Refused { reason } => reason,
                    other => format!("{other:?}"),
                });
                ("burn", reason)
            }
        };
        failed.push(json!({ "kind": kind, "id": item.id, "reason": reason }));
    }
    Ok(json!({
        "tao_next_block": store.tao_cursor()?,
        "eth_next_block": store.eth_cursor()?,
        "stages": stages,
        "parked": parked,
        "failed": failed,
        "batches_open": batches_open,
        "burns_open": burns_open,
        "store_bytes": store.size_on_disk()?,
    }))
}

/// The text report of `status` from its JSON document.
fn report(v: &serde_json::Value) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let n = |v: &serde_json::Value| v.as_u64().map_or_else(|| "-".to_owned(), |n| n.to_string());
    let _ = writeln!(out, "next TAO block  {}", n(&v["tao_next_block"]));
    let _ = writeln!(out, "next EVM block  {}", n(&v["eth_next_block"]));
    if let Some(bytes) = v["store_bytes"].as_u64() {
        let _ = writeln!(out, "store           {:.1} MiB", bytes as f64 / (1024.0 * 1024.0));
    }
    let _ = writeln!(out, "\nstage     open  parked");
    if let Some(stages) = v["stages"].as_object() {
        for (name, s) in stages {
            let _ = writeln!(out, "{name:<8} {:>5} {:>7}", n(&s["open"]), n(&s["parked"]));
        }
    }
    let parked = v["parked"].as_array().map(Vec::as_slice).unwrap_or_default();
    if parked.is_empty() {
        let _ = writeln!(out, "\nno parked items");
    } else {
        let _ = writeln!(out, "\nparked (retried on their own schedule):");
        for p in parked {
            let _ = writeln!(
                out,
                "  {} {}: {} attempts, next in {} s, last error: {}",
                p["stage"].as_str().unwrap_or("?"),
                n(&p["id"]),
                n(&p["attempts"]),
                n(&p["next_attempt_in_s"]),
                p["last_error"].as_str().unwrap_or("-"),
            );
        }
    }
    let failed = v["failed"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailed for good (needs an operator):");
        for f in failed {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                f["kind"].as_str().unwrap_or("?"),
                n(&f["id"]),
                f["reason"].as_str().unwrap_or("-"),
            );
        }
    }
    out
}

async fn status(config: &RelayerConfig, json: bool) -> eyre::Result<()> {
    let doc = if let Some(addr) = config.metrics.addr
        && let Ok(response) = metrics::get(addr, "/status").await
        && let Some((_, body)) = response.split_once("\r\n\r\n")
    {
        serde_json::from_str(body).wrap_err("the relayer's /status answer is not JSON")?
    } else {
        let store = Store::open(&config.data_dir).wrap_err_with(|| {
            format!(
                "the relayer is not answering on its metrics address and its data dir {} cannot be opened",
                config.data_dir.display()
            )
        })?;
        summary(&store)
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", report(&doc));
    }
    Ok(())
}
