//! `wtao miner run`: a GPU-scored subnet miner (`wtao-subnet-agents`). Every epoch it computes
//! as many INT8 GEMM tiles as it can before the commit deadline with the chosen engine, commits
//! `(epoch, merkle_root, tile_count)` through the Commitments pallet, and serves the tiles'
//! proofs over HTTP at the address it announced with `serve_axon`. Runs until stopped; survives
//! tao-node restarts.
//!
//! Also here, shared with `wtao validator run`: the scorer and profile options ([`TaskArgs`]),
//! and the event printer (one text line, or one JSON object per line with `--json`).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use clap::{Args, Subcommand};
use eyre::WrapErr;
use wtao_scoring::{ChallengeParams, Profile, Scorer, TileEngine};
use wtao_subnet_agents::{
    Event, EventSink, MinerConfig, Mode, ProofServer, ProofStore, miner::check_announce,
};

use crate::{
    args::{EndpointArgs, KeyArgs, parsed},
    output::Output,
};

/// Run a subnet miner.
#[derive(Debug, Args)]
pub(crate) struct MinerArgs {
    #[command(subcommand)]
    cmd: MinerCommand,
}

/// Miner commands.
#[derive(Debug, Subcommand)]
enum MinerCommand {
    /// Compute tiles every epoch, commit them on chain and serve their proofs (until stopped).
    Run(RunArgs),
}

impl MinerArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            MinerCommand::Run(args) => args.run(out),
        }
    }
}

/// The task options both agents take: they must match across a subnet's miners and validators.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Task")]
pub(crate) struct TaskArgs {
    /// The subnet.
    #[arg(long, value_name = "N")]
    pub(crate) netuid: u16,

    /// The tile engine: auto (CUDA when it starts, else the CPU; a line on stderr says which and why), cpu, or cuda
    /// (fail without a GPU).
    #[arg(long, value_name = "auto|cpu|cuda", env = "WTAO_SCORER", default_value = "auto",
          value_parser = parsed::<Scorer>)]
    pub(crate) scorer: Scorer,

    /// The challenge size: ci (K=N=64, tiny), dev (K=N=1024, CPU-friendly) or gpu (K=N=4096,
    /// 4.29 GOP per tile). Every miner and validator of a subnet must use the same.
    #[arg(long, value_name = "ci|dev|gpu", env = "WTAO_PROFILE", default_value = "dev",
          value_parser = parsed::<Profile>)]
    pub(crate) profile: Profile,
}

impl TaskArgs {
    /// The profile's parameters.
    pub(crate) fn params(&self) -> ChallengeParams {
        ChallengeParams::profile(self.profile)
    }

    /// Starts the engine and says on stderr which one and why (e.g. why `auto` fell back to the
    /// CPU).
    pub(crate) fn engine(&self, out: &Output) -> eyre::Result<Arc<dyn TileEngine>> {
        let chosen = wtao_scoring::choose_engine(self.scorer)
            .wrap_err_with(|| format!("starting the {} scorer", self.scorer))?;
        out.progress(&format!("tile engine: {} ({})", chosen.engine.description(), chosen.why));
        Ok(Arc::from(chosen.engine))
    }
}

/// Prints each event as a line on stdout: text, or one JSON object with `--json`.
pub(crate) fn printer(out: &Output) -> EventSink {
    let json = out.json();
    Arc::new(move |event: &Event| {
        use std::io::Write;
        let line =
            if json { serde_json::to_string(event).unwrap_or_default() } else { event.to_string() };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    })
}

/// A runtime for an agent: engine work runs on blocking threads, the chain and the proof server
/// on two workers.
pub(crate) fn runtime() -> eyre::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("starting the async runtime")
}

/// Options of `wtao miner run`.
#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    task: TaskArgs,

    /// Where the proof server listens (port 0: any free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.2:0")]
    listen: SocketAddr,

    /// The address announced on chain (serve_axon) for validators to fetch proofs from
    /// [default: the listening address]. Not 127.0.0.1 or 0.0.0.0: the chain refuses the one,
    /// validators cannot reach the other.
    #[arg(long, value_name = "IP:PORT")]
    announce: Option<SocketAddr>,

    /// Behave dishonestly, for the devnet test only: lazy claims more tiles than it computed,
    /// lying flips its digests. Both score 0.
    #[arg(long, value_name = "MODE", default_value = "honest", hide = true)]
    mode: Mode,

    #[command(flatten)]
    keys: KeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

impl RunArgs {
    fn run(self, out: &Output) -> eyre::Result<()> {
        let ep = self.endpoints.resolve()?;
        let url = ep.tao_rpc()?.to_owned();
        let signer = self.keys.tao(ep.devnet.as_ref())?;
        let engine = self.task.engine(out)?;
        let events = printer(out);
        let runtime = runtime()?;
        let error = runtime.block_on(async {
            let store = ProofStore::new();
            let server = ProofServer::bind(self.listen, store.clone()).await?;
            let serving = server.local_addr();
            let announce = self.announce.unwrap_or(serving);
            check_announce(announce)?;
            let config = MinerConfig {
                netuid: self.task.netuid,
                params: self.task.params(),
                profile: self.task.profile.to_string(),
                announce,
                mode: self.mode,
                slice: Duration::from_millis(250),
                poll: Duration::from_millis(250),
            };
            let error = wtao_subnet_agents::run_miner(
                &url,
                signer.pair,
                engine,
                config,
                store,
                serving,
                events,
            )
            .await;
            drop(server);
            Err::<(), _>(error)
        });
        error.map_err(eyre::Report::new).wrap_err("the miner stopped")
    }
}
