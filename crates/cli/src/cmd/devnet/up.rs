//! `wtao devnet up`: bring the devnet up and keep it running — in this terminal until Ctrl-C,
//! or with `--detach` under a supervisor process in the background.
//!
//! `--detach` starts this same command again (`--supervise`, hidden) in its own session with
//! its output in `logs/supervisor.log`, echoes that log until the supervisor reports the devnet
//! ready in `owner.json` (or exits: then its error is the result), prints the summary and
//! returns. The supervisor owns the children and stops them on SIGTERM (`wtao devnet down`).

use std::{
    ffi::OsString,
    fs::OpenOptions,
    os::unix::process::CommandExt,
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use clap::Args;
use eyre::{WrapErr, bail};
use wtao_devnet::{
    Binaries, DEVNET_EVM_CHAIN_ID, Devnet, DevnetConfig, DevnetError, Layout, NetworkShape,
    Progress, lock::FileLock,
};

use super::{
    DataDirArgs,
    summary::{self, Mode},
};
use crate::{
    chain,
    output::{Output, Paint},
};

/// How long `--detach` waits for the devnet (a first start may install the toolchain).
const DETACH_DEADLINE: Duration = Duration::from_secs(900);
/// How often the foreground devnet checks that its processes live.
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Options of `wtao devnet up`.
#[derive(Debug, Args)]
pub(crate) struct UpArgs {
    #[command(flatten)]
    pub(crate) dir: DataDirArgs,

    /// Wipe the data dir and start over (refused while a devnet runs there).
    #[arg(long, help_heading = "Data")]
    pub(crate) fresh: bool,

    /// Run in the background: return once the devnet is ready; then `wtao devnet
    /// status|logs|down`.
    #[arg(long)]
    pub(crate) detach: bool,

    /// Run as the supervisor of a detached devnet (started by --detach).
    #[arg(long, hide = true)]
    pub(crate) supervise: bool,

    /// Number of bridge relayers: anvil accounts 1..=N, TAO keys //Bob, //Charlie, //Dave,
    /// //Relayer4 … [default: 3, or the data dir's]
    #[arg(long, value_name = "N", help_heading = "Network (fixed when the devnet is created)",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub(crate) relayers: Option<u16>,

    /// Relayer signatures to mint and approvals to release; a strict majority of --relayers
    /// [default: N/2 + 1, or the data dir's]
    #[arg(long, value_name = "M", help_heading = "Network (fixed when the devnet is created)")]
    pub(crate) threshold: Option<u16>,

    /// anvil's JSON-RPC port on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 8545, help_heading = "Ports")]
    pub(crate) anvil_port: u16,

    /// tao-node's JSON-RPC port (WebSocket and HTTP) on 127.0.0.1 (0: any free port).
    #[arg(long, value_name = "PORT", default_value_t = 9944, help_heading = "Ports")]
    pub(crate) tao_port: u16,

    /// Metrics port of relayer 1; relayer N uses PORT + N - 1 (0: any free ports).
    #[arg(long, value_name = "PORT", default_value_t = 9615, help_heading = "Ports")]
    pub(crate) metrics_port: u16,

    /// Seconds per anvil block (0: a block per transaction).
    #[arg(long, value_name = "SECONDS", default_value_t = 1, help_heading = "Blocks")]
    pub(crate) block_time: u64,

    /// tao-node's block time, e.g. 1s or 500ms.
    #[arg(long, value_name = "DURATION", default_value = "1s", help_heading = "Blocks")]
    pub(crate) tao_block_time: String,

    /// Run the GPU-scored subnet on the demo subnet (netuid 1): two `wtao miner run` and one
    /// `wtao validator run` as devnet processes (logs miner-1, miner-2, validator-1). The scorer
    /// is chosen by WTAO_SCORER (default auto: CUDA if it starts, else the CPU).
    #[arg(long, help_heading = "Subnet demo")]
    pub(crate) subnet_demo: bool,

    /// The demo's challenge profile: ci, dev or gpu.
    #[arg(long, value_name = "PROFILE", default_value = "ci", help_heading = "Subnet demo",
          value_parser = ["ci", "dev", "gpu"])]
    pub(crate) demo_profile: String,
}

impl UpArgs {
    /// The network's shape: the flags given, else what the data dir was created with, else
    /// the defaults (3 relayers, a majority threshold); always on EVM chain 31337.
    pub(crate) fn shape(&self, stored: Option<NetworkShape>) -> NetworkShape {
        let stored = if self.fresh { None } else { stored };
        let relayers = self.relayers.map(usize::from).or(stored.map(|s| s.relayers)).unwrap_or(3);
        let threshold = self
            .threshold
            .map(usize::from)
            .or(stored.filter(|s| s.relayers == relayers).map(|s| s.threshold))
            .unwrap_or(relayers / 2 + 1);
        NetworkShape { relayers, threshold, evm_chain_id: DEVNET_EVM_CHAIN_ID }
    }

    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let root = self.dir.root()?;
        let data_dir = self.dir.data_dir()?;
        let stored = wtao_devnet::stored_shape(&data_dir)?;
        let shape = self.shape(stored);
        shape.validate()?;
        // Refused here too (Devnet::up checks it again), so `--detach` reports it as itself
        // instead of as a supervisor that did not start.
        if let Some(stored) = stored.filter(|s| !self.fresh && *s != shape) {
            return Err(DevnetError::DataDirMismatch {
                data_dir,
                found: format!("a devnet of {stored}"),
                wanted: shape.to_string(),
            }
            .into());
        }
        if self.detach && !self.supervise {
            let agents = if self.subnet_demo { super::demo::AGENT_COUNT } else { 0 };
            return detach(out, &data_dir, agents);
        }
        let exe = std::env::current_exe().wrap_err("finding the wtao executable")?;
        let mut config = DevnetConfig::new(root, &data_dir, Binaries::multi_call(exe.clone()));
        config.fresh = self.fresh;
        config.shape = shape;
        config.anvil_port = self.anvil_port;
        config.tao_port = self.tao_port;
        config.relayer.metrics_port = self.metrics_port;
        config.anvil_block_time = std::time::Duration::from_secs(self.block_time);
        config.tao_block_time = self.tao_block_time.clone();

        let (stop_tx, stop_rx) = mpsc::channel();
        ctrlc::set_handler(move || {
            let _ = stop_tx.send(());
        })
        .wrap_err("installing the Ctrl-C handler")?;

        out.progress(&format!("starting the devnet in {} ({shape})", data_dir.display()));
        let started = Instant::now();
        let mut devnet = Devnet::up(config, &StageLines { out })?;
        if self.subnet_demo {
            super::demo::start(&mut devnet, &exe, &self.demo_profile, out)?;
        }
        out.progress(&format!(
            "{} in {:.1} s",
            out.paint(Paint::Green, "ready"),
            started.elapsed().as_secs_f64()
        ));
        if self.supervise {
            out.progress("supervising; SIGTERM (`wtao devnet down`) stops the devnet");
        } else {
            let balances = chain::balances(&devnet.info)
                .map_err(|e| out.warn(format!("could not read the balances: {e:#}")))
                .ok();
            out.success(
                summary::data(&devnet.info, balances.as_ref(), true, Some(std::process::id())),
                &summary::human(&devnet.info, balances.as_ref(), &Mode::Foreground),
            );
        }

        loop {
            match stop_rx.recv_timeout(WATCH_INTERVAL) {
                Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => devnet
                    .check_alive()
                    .wrap_err("the devnet stopped because one of its processes died")?,
            }
        }
        out.progress("stopping the devnet: relayers, tao-node, anvil (both chains are saved) …");
        devnet.stop();
        out.progress(&format!(
            "stopped; state kept in {} — `wtao devnet up` resumes it",
            data_dir.display()
        ));
        Ok(())
    }
}

/// One progress line per stage on stderr: `✓ anvil        0.4 s  http://127.0.0.1:8545`.
struct StageLines<'a> {
    out: &'a Output,
}

impl Progress for StageLines<'_> {
    fn stage(&self, name: &str, took: Duration, detail: &str) {
        self.out.progress(&format!(
            "  {} {name:<10} {:>6.1} s  {detail}",
            self.out.paint(Paint::Green, "✓"),
            took.as_secs_f64()
        ));
    }
}

/// `--detach`: start the supervisor, follow its log until the devnet is ready (and its `agents`
/// subnet agents have started), print the summary.
fn detach(out: &Output, data_dir: &Path, agents: usize) -> eyre::Result<()> {
    let layout = Layout::new(data_dir);
    layout.check_owned()?;
    // Refuse a busy data dir here, not after the supervisor started; taking the lock once also
    // creates the lock file that marks the folder as a devnet's.
    if FileLock::try_acquire(&layout.lock())?.is_none() {
        let owner = wtao_devnet::status(data_dir)?.owner;
        return Err(DevnetError::Busy {
            data_dir: data_dir.to_path_buf(),
            pid: owner.map(|o| o.pid),
        }
        .into());
    }
    let log_path = layout.log("supervisor");
    std::fs::create_dir_all(layout.logs())
        .wrap_err_with(|| format!("creating {}", layout.logs().display()))?;
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .wrap_err_with(|| format!("opening {}", log_path.display()))?;
    let mut offset = log.metadata().map(|m| m.len()).unwrap_or(0);

    let exe = std::env::current_exe().wrap_err("finding the wtao executable")?;
    let args: Vec<OsString> = std::env::args_os().skip(1).filter(|a| a != "--detach").collect();
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .arg("--supervise")
        .stdin(Stdio::null())
        .stdout(log.try_clone().wrap_err("duplicating the log handle")?)
        .stderr(log);
    // SAFETY: setsid(2) is async-signal-safe and touches no memory of the parent. A session of
    // its own: closing this terminal does not hang the devnet up.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn().wrap_err("starting the devnet's supervisor")?;
    let pid = child.id();
    let deadline = Instant::now() + DETACH_DEADLINE;
    loop {
        offset = echo(out, &log_path, offset);
        if let Some(status) = child.try_wait().wrap_err("watching the supervisor")? {
            echo(out, &log_path, offset);
            let tail = wtao_devnet::process::tail_file(&log_path, 15).join("\n");
            if out.json() {
                bail!("the devnet did not start (supervisor exited with {status}):\n{tail}");
            }
            bail!(
                "the devnet did not start (supervisor exited with {status}); see above, the full log is {}",
                log_path.display()
            );
        }
        let status = wtao_devnet::status(data_dir)?;
        let ready = status.owner.is_some_and(|o| o.pid == pid && o.state == "running")
            && status.info.is_some_and(|i| i.agents.len() >= agents);
        if ready {
            break;
        }
        if Instant::now() >= deadline {
            bail!(
                "the devnet was not ready after {DETACH_DEADLINE:?}; it keeps starting in the background (pid {pid}): see {} or stop it with `wtao devnet down`",
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    echo(out, &log_path, offset);
    let info = wtao_devnet::status(data_dir)?.info.ok_or_else(|| {
        eyre::eyre!("the devnet is up but wrote no devnet.json in {}", data_dir.display())
    })?;
    let balances = chain::balances(&info)
        .map_err(|e| out.warn(format!("could not read the balances: {e:#}")))
        .ok();
    out.success(
        summary::data(&info, balances.as_ref(), true, Some(pid)),
        &summary::human(&info, balances.as_ref(), &Mode::Background(pid)),
    );
    // The supervisor lives on in its own session; its handle is dropped without waiting.
    drop(child);
    Ok(())
}

/// Prints the complete lines of `path` after `offset` as progress; returns the new offset.
fn echo(out: &Output, path: &Path, offset: u64) -> u64 {
    let text = wtao_devnet::process::read_from(path, offset);
    let Some(end) = text.rfind('\n') else { return offset };
    for line in text[..end].lines() {
        out.progress(line);
    }
    offset + u64::try_from(end + 1).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn up(args: &[&str]) -> UpArgs {
        let cli = Cli::try_parse_from([&["wtao", "devnet", "up"], args].concat()).unwrap();
        let crate::cmd::Command::Devnet(devnet) = cli.cmd else { panic!("not devnet") };
        let super::super::DevnetCommand::Up(up) = devnet.cmd else { panic!("not up") };
        up
    }

    #[test]
    fn defaults() {
        let a = up(&[]);
        assert_eq!((a.anvil_port, a.tao_port, a.metrics_port, a.block_time), (8545, 9944, 9615, 1));
        assert!(!a.fresh && !a.detach && !a.supervise);
        let shape = a.shape(None);
        assert_eq!((shape.relayers, shape.threshold, shape.evm_chain_id), (3, 2, 31_337));
    }

    #[test]
    fn a_resume_takes_the_data_dirs_shape_unless_told_otherwise() {
        let stored = NetworkShape { relayers: 5, threshold: 4, evm_chain_id: 31_337 };
        assert_eq!(up(&[]).shape(Some(stored)), stored);
        // A flag given wins (and Devnet::up then refuses the mismatch with a clear message).
        assert_eq!(up(&["--relayers", "4"]).shape(Some(stored)).threshold, 3);
        // --fresh starts from the defaults.
        assert_eq!(up(&["--fresh"]).shape(Some(stored)).relayers, 3);
    }

    #[test]
    fn more_relayers_get_a_majority_threshold_by_default() {
        assert_eq!(up(&["--relayers", "5"]).shape(None).threshold, 3);
        assert_eq!(up(&["--relayers", "4"]).shape(None).threshold, 3);
        assert_eq!(up(&["--relayers", "1"]).shape(None).threshold, 1);
        let err = up(&["--threshold", "1"]).shape(None).validate().unwrap_err().to_string();
        assert!(err.contains("strict majority"), "{err}");
        assert!(Cli::try_parse_from(["wtao", "devnet", "up", "--relayers", "0"]).is_err());
    }
}
