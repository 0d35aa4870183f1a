//! Command line and the node's main loop.
//!
//! Flags as DESIGN §4.2: `--dev`, `--chain <spec.json>`, `--base-path`, `--rpc-port`,
//! `--block-time`, `--instant-seal`, `--finality-lag`, `--state-pruning`, `--archive`, and the
//! `build-spec` subcommand that prints a chain spec, and `export-metadata` that writes the SCALE
//! metadata for codegen (tao-client). Precedence is simple: flags over defaults;
//! `--dev` only picks the dev spec, a 1 s block time and (without `--base-path`) a temporary data
//! directory removed at exit.
//!
//! Shutdown: SIGINT/SIGTERM stop the block producer after the block in progress (whose batch is
//! either fully written or not at all), then the RPC server; a `kill -9` at any point leaves the
//! store at the last committed block.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use eyre::WrapErr;
use tokio::sync::watch;

use crate::chain::{Chain, ChainConfig, Store};
use crate::primitives::extrinsics_root;
use crate::runtime::genesis::ChainSpec;

/// tao-node: a Substrate-compatible TAO devnet chain.
#[derive(Debug, Parser)]
#[command(name = "tao-node", version)]
pub struct Cli {
    /// Subcommand (none = run the node).
    #[command(subcommand)]
    pub cmd: Option<Command>,
    /// Node options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the chain spec (JSON) selected by `--dev` / `--chain` to stdout.
    BuildSpec,
    /// Write the runtime metadata (SCALE `RuntimeMetadataPrefixed`, as `Metadata_metadata_at_version`
    /// returns it) to a file, e.g. for subxt's codegen:
    /// `tao-node export-metadata --out crates/tao-client/metadata/tao-node.scale`.
    ExportMetadata {
        /// Metadata version (14 or 15).
        #[arg(long, default_value_t = 15)]
        metadata_version: u32,
        /// Output file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Options of a running node.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Development chain: //Alice … //Ferdie endowed, Alice sudo and relayer, 1 s blocks.
    #[arg(long, global = true)]
    pub dev: bool,
    /// Chain spec JSON file (see `build-spec`).
    #[arg(long, value_name = "FILE", global = true, conflicts_with = "dev")]
    pub chain: Option<PathBuf>,
    /// Data directory (database under `chains/<id>/db`).
    #[arg(long, short = 'd', value_name = "DIR", env = "TAO_NODE_BASE_PATH")]
    pub base_path: Option<PathBuf>,
    /// JSON-RPC port (WebSocket and HTTP); 0 picks a free port.
    #[arg(long, default_value_t = 9944)]
    pub rpc_port: u16,
    /// Listen on all interfaces instead of 127.0.0.1.
    #[arg(long)]
    pub rpc_external: bool,
    /// Time between blocks, e.g. `1s`, `500ms`, `12` (seconds). Default 1s with --dev, else 12s.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub block_time: Option<Duration>,
    /// Seal a block as soon as a transaction arrives (no empty blocks).
    #[arg(long, conflicts_with = "block_time")]
    pub instant_seal: bool,
    /// Blocks between best and finalized.
    #[arg(long, default_value_t = 0)]
    pub finality_lag: u32,
    /// Blocks of state kept queryable by hash.
    #[arg(long, default_value_t = 256)]
    pub state_pruning: u32,
    /// Keep the state of every block.
    #[arg(long)]
    pub archive: bool,
    /// Tests only (honoured with --dev): abort at this crash point (see `crash`).
    #[arg(long, hide = true, value_name = "POINT")]
    pub crash_at: Option<String>,
}

/// Parse `1s`, `500ms`, `2` (seconds).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("`{s}` is not a duration like 1s, 500ms or 12");
    let d = if let Some(ms) = s.strip_suffix("ms") {
        Duration::from_millis(ms.trim().parse().map_err(|_| bad())?)
    } else {
        Duration::from_secs(s.strip_suffix('s').unwrap_or(s).trim().parse().map_err(|_| bad())?)
    };
    if d.is_zero() {
        return Err("block time must be positive (use --instant-seal for on-demand blocks)".into());
    }
    Ok(d)
}

impl RunArgs {
    fn spec(&self) -> eyre::Result<ChainSpec> {
        match &self.chain {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .wrap_err_with(|| format!("while reading chain spec {}", p.display()))?;
                serde_json::from_str(&text)
                    .wrap_err_with(|| format!("while parsing chain spec {}", p.display()))
            }
            None if self.dev => Ok(ChainSpec::dev()),
            None => eyre::bail!("choose a chain: --dev or --chain <spec.json>"),
        }
    }
}

/// Entry point of the binary.
pub fn main() -> eyre::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour only on a terminal: logs captured by tests and supervisors stay plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.cmd {
        Some(Command::BuildSpec) => {
            let spec = cli.run.spec()?;
            println!("{}", serde_json::to_string_pretty(&spec)?);
            Ok(())
        }
        Some(Command::ExportMetadata { metadata_version, out }) => {
            let bytes = crate::runtime::metadata::encoded(metadata_version).ok_or_else(|| {
                eyre::eyre!("metadata version {metadata_version} is not served (use 14 or 15)")
            })?;
            std::fs::write(&out, bytes)
                .wrap_err_with(|| format!("while writing {}", out.display()))?;
            Ok(())
        }
        None => {
            limit_malloc_arenas();
            run_node(cli.run)
        }
    }
}

/// glibc gives every thread that allocates its own arena (up to 8 per core), and freed memory
/// in one arena is not reused by another: under RPC load, requests decoded on one thread and
/// dropped on another left hundreds of MiB stranded. With two arenas the node's RSS after a
/// million transfers over WS went from 540 to 435 MiB (README, tao-node benchmarks).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn run_node(args: RunArgs) -> eyre::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // RPC submissions verify signatures on blocking threads. Tokio's default of 512 such
        // threads each with its own malloc arena took a loaded node past 1 GiB of RSS; on a
        // devnet machine a few threads keep every core busy, and requests queue meanwhile.
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .wrap_err("while starting the tokio runtime")?
        .block_on(run(args))
}

/// Upper bound of tokio's blocking-thread pool (signature checks, sled reads for RPC).
const MAX_BLOCKING_THREADS: usize = 4;

enum Sealing {
    Instant,
    Every(Duration),
}

/// Run the node until SIGINT/SIGTERM.
pub async fn run(args: RunArgs) -> eyre::Result<()> {
    crate::crash::arm(args.dev, args.crash_at.clone());
    let spec = args.spec()?;
    let mut _tmp = None;
    let base = match &args.base_path {
        Some(p) => p.clone(),
        None if args.dev => {
            let t = tempfile::tempdir().wrap_err("while creating a temporary --dev data dir")?;
            let p = t.path().to_path_buf();
            _tmp = Some(t);
            p
        }
        None => eyre::bail!("--base-path is required outside --dev"),
    };
    let db_path = base.join("chains").join(&spec.id).join("db");
    std::fs::create_dir_all(&db_path)
        .wrap_err_with(|| format!("while creating {}", db_path.display()))?;
    let pruning = (!args.archive).then_some(args.state_pruning.max(1));
    let store = tokio::task::spawn_blocking(move || Store::open(&db_path, pruning))
        .await?
        .wrap_err("while opening the database (is another tao-node using this --base-path?)")?;
    let config = ChainConfig { finality_lag: args.finality_lag, ..Default::default() };
    let chain = Chain::open(store, spec, config).wrap_err("while opening the chain")?;

    let host = if args.rpc_external {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let (addr, server) = crate::rpc::start(chain.clone(), SocketAddr::new(host, args.rpc_port))
        .await
        .wrap_err_with(|| format!("while binding the RPC server to port {}", args.rpc_port))?;
    // The one line on stdout: scripts and tests read the bound address from it.
    println!("tao-node rpc listening on {addr}");
    tracing::info!(target: "rpc", %addr, "JSON-RPC server started (ws + http)");

    let sealing = if args.instant_seal {
        Sealing::Instant
    } else {
        Sealing::Every(args.block_time.unwrap_or(if args.dev {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(12)
        }))
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let author = tokio::spawn(author(chain.clone(), sealing, stop_rx));
    shutdown_signal().await;
    tracing::info!(target: "node", "shutting down");
    let _ = stop_tx.send(true);
    let _ = author.await;
    let _ = server.stop();
    server.stopped().await;
    tracing::info!(target: "node", "stopped cleanly");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn produce(chain: &Arc<Chain>) -> Option<usize> {
    let c = chain.clone();
    match tokio::task::spawn_blocking(move || c.produce_block()).await {
        Ok(Ok(h)) => Some(usize::from(h.extrinsics_root != extrinsics_root(&[]))),
        Ok(Err(e)) => {
            tracing::error!(target: "chain", err = %e, "block production failed");
            None
        }
        Err(e) => {
            tracing::error!(target: "chain", err = %e, "block production task failed");
            None
        }
    }
}

async fn author(chain: Arc<Chain>, sealing: Sealing, mut stop: watch::Receiver<bool>) {
    match sealing {
        Sealing::Instant => loop {
            tokio::select! {
                _ = chain.pool_notify.notified() => {
                    // Seal until nothing ready is left; future-nonce transactions wait without
                    // sealing empty blocks (a block with no extrinsics also ends the loop).
                    while chain.has_ready() && !*stop.borrow() {
                        if produce(&chain).await.unwrap_or(0) == 0 {
                            break;
                        }
                    }
                }
                _ = stop.changed() => break,
            }
        },
        Sealing::Every(d) => {
            let mut tick = tokio::time::interval(d);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tokio::select! {
                    _ = tick.tick() => { produce(&chain).await; }
                    _ = stop.changed() => break,
                }
            }
        }
    }
}
