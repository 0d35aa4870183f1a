//! `wtao devnet …`

use std::{path::PathBuf, sync::mpsc, time::Duration};

use clap::{Args, Subcommand};
use eyre::{WrapErr, bail};
use wtao_devnet::{AnvilConfig, DEV_ACCOUNTS, Devnet, DevnetConfig, Toolchain};

/// Run the local devnet.
#[derive(Debug, Args)]
pub(crate) struct DevnetArgs {
    #[command(subcommand)]
    pub(crate) cmd: DevnetCommand,
}

/// Devnet commands.
#[derive(Debug, Subcommand)]
pub(crate) enum DevnetCommand {
    /// Start anvil, deploy WTAO, TaoBridge (ERC1967 proxy), TimelockController and WTAOGovernor,
    /// print the endpoints, addresses and dev accounts, and run until Ctrl-C.
    ///
    /// State is kept in the data dir: a second `up` resumes the same chain and contracts;
    /// `--fresh` starts over.
    Up(UpArgs),
}

/// Options of `wtao devnet up`.
#[derive(Debug, Args)]
pub(crate) struct UpArgs {
    /// Where the devnet keeps its state [default: <repo>/.wtao-devnet].
    #[arg(long, value_name = "DIR", env = "WTAO_DEVNET_DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// Wipe the data dir first and deploy anew.
    #[arg(long)]
    pub(crate) fresh: bool,

    /// anvil's RPC port on 127.0.0.1.
    #[arg(long, value_name = "PORT", default_value_t = 8545)]
    pub(crate) anvil_port: u16,

    /// EVM chain id of the local chain.
    #[arg(long, value_name = "ID", default_value_t = 31_337)]
    pub(crate) chain_id: u64,

    /// Seconds per anvil block (0: a block per transaction).
    #[arg(long, value_name = "SECONDS", default_value_t = 1)]
    pub(crate) block_time: u64,

    /// Number of bridge relayers (anvil dev accounts 1..=N).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub(crate) relayers: u8,

    /// Relayer signatures needed to mint; must be a strict majority of --relayers.
    #[arg(long, value_name = "M", default_value_t = 2)]
    pub(crate) threshold: u8,

    /// The checkout to run from [default: found from the current directory].
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
}

impl DevnetArgs {
    pub(crate) fn run(self) -> eyre::Result<()> {
        match self.cmd {
            DevnetCommand::Up(up) => up.run(),
        }
    }
}

impl UpArgs {
    /// Checks what clap cannot: the threshold is a strict majority (the bridge refuses anything
    /// less; Ronin fell to 5 of 9 keys).
    pub(crate) fn validate(&self) -> eyre::Result<()> {
        let (n, m) = (usize::from(self.relayers), usize::from(self.threshold));
        if m * 2 <= n || m > n {
            bail!(
                "--threshold {m} with {n} relayers: the threshold must be a strict majority (N/2 < M <= N)"
            );
        }
        Ok(())
    }

    fn run(self) -> eyre::Result<()> {
        self.validate()?;
        let cwd = std::env::current_dir().wrap_err("reading the current directory")?;
        let root = match self.root {
            Some(root) => root,
            None => Toolchain::find_root(&cwd)?,
        };
        let data_dir = self.data_dir.unwrap_or_else(|| Devnet::default_data_dir(&root));
        eprintln!("starting the devnet in {} …", data_dir.display());
        let config = DevnetConfig {
            root,
            data_dir: data_dir.clone(),
            fresh: self.fresh,
            anvil: AnvilConfig {
                port: self.anvil_port,
                chain_id: self.chain_id,
                block_time: (self.block_time > 0).then_some(self.block_time),
                state_file: None,
            },
            relayers: usize::from(self.relayers),
            threshold: usize::from(self.threshold),
        };
        let (stop_tx, stop_rx) = mpsc::channel();
        ctrlc::set_handler(move || {
            let _ = stop_tx.send(());
        })
        .wrap_err("installing the Ctrl-C handler")?;

        let mut devnet = Devnet::up(config)?;
        print_summary(&devnet, &data_dir);

        // Run until Ctrl-C / SIGTERM, or until anvil dies under us.
        loop {
            match stop_rx.recv_timeout(Duration::from_secs(1)) {
                Ok(()) => break,
                Err(mpsc::RecvTimeoutError::Timeout) if devnet.anvil.is_running() => {}
                Err(_) => bail!(
                    "anvil stopped unexpectedly; see its log above and rerun `wtao devnet up`"
                ),
            }
        }
        eprintln!("stopping the devnet (state saved in {}) …", data_dir.display());
        devnet.anvil.stop();
        Ok(())
    }
}

fn print_summary(devnet: &Devnet, data_dir: &std::path::Path) {
    let d = &devnet.deployment;
    let how = if devnet.deployed_now { "deployed now" } else { "resumed from the data dir" };
    println!("wtao devnet is up ({how}); Ctrl-C stops it.");
    println!();
    println!("  EVM RPC            {}  (chain id {})", devnet.anvil.endpoint(), d.chain_id);
    println!("  data dir           {}", data_dir.display());
    println!();
    println!("  WTAO               {}", d.wtao);
    println!("  TaoBridge (proxy)  {}", d.bridge);
    println!("  TaoBridge impl     {}", d.bridge_implementation);
    println!("  TimelockController {}", d.timelock);
    println!("  WTAOGovernor       {}", d.governor);
    println!();
    println!("  relayers           {}", devnet.relayers.join(", "));
    println!();
    println!("  dev accounts (10,000 ETH each; public keys, never use them on a real chain):");
    for (i, (addr, key)) in DEV_ACCOUNTS.iter().enumerate() {
        let role = match i {
            0 => "deployer",
            4 => "guardian",
            _ if devnet.relayers.iter().any(|r| r == addr) => "relayer",
            _ => "",
        };
        println!("    {addr}  {key}  {role}");
    }
}
