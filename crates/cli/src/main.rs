//! `wtao`: the user's command line. Thin: parsing and printing here, the work in library crates.

mod cmd;

use clap::Parser;

/// wtao — move TAO to Ethereum as wrapped TAO (wTAO) and back, and govern the bridge by vote.
#[derive(Debug, Parser)]
#[command(name = "wtao", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    cmd: cmd::Command,
}

fn main() -> eyre::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    Cli::parse().cmd.run()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn devnet_up_defaults() {
        let cli = Cli::try_parse_from(["wtao", "devnet", "up"]).unwrap();
        let cmd::Command::Devnet(devnet) = cli.cmd;
        let cmd::devnet::DevnetCommand::Up(up) = devnet.cmd;
        assert_eq!((up.relayers, up.threshold, up.anvil_port, up.fresh), (3, 2, 8545, false));
    }

    #[test]
    fn a_minority_threshold_is_refused() {
        let cli = Cli::try_parse_from(["wtao", "devnet", "up", "--threshold", "1"]).unwrap();
        let cmd::Command::Devnet(devnet) = cli.cmd;
        let cmd::devnet::DevnetCommand::Up(up) = devnet.cmd;
        let err = up.validate().unwrap_err().to_string();
        assert!(err.contains("strict majority"), "{err}");
    }
}
