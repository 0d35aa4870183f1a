//! `wtao validator run`: a GPU-scored subnet validator (`wtao-subnet-agents`). After each
//! epoch's sample block it reads every neuron's commitment and axon, fetches the sampled tiles'
//! proofs (a miner that does not answer within `--fetch-timeout` scores 0), recomputes all of
//! them in one engine call, converts the scores to u16 weights as the bittensor SDK does and
//! calls `set_weights`. Runs until stopped; survives tao-node restarts.

use std::time::Duration;

use clap::{Args, Subcommand};
use eyre::WrapErr;
use wtao_subnet_agents::ValidatorConfig;

use super::miner::{TaskArgs, printer, runtime};
use crate::{
    args::{EndpointArgs, KeyArgs},
    output::Output,
};

/// Run a subnet validator.
#[derive(Debug, Args)]
pub(crate) struct ValidatorArgs {
    #[command(subcommand)]
    cmd: ValidatorCommand,
}

/// Validator commands.
#[derive(Debug, Subcommand)]
enum ValidatorCommand {
    /// Score the miners every epoch and set weights (until stopped).
    Run(RunArgs),
}

impl ValidatorArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            ValidatorCommand::Run(args) => args.run(out),
        }
    }
}

/// Options of `wtao validator run`.
#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    task: TaskArgs,

    /// How long each miner may take to answer a proof request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2_000)]
    fetch_timeout: u64,

    /// The version key sent with the weights [default: the subnet's WeightsVersionKey].
    #[arg(long, value_name = "N")]
    version_key: Option<u64>,

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
        let config = ValidatorConfig {
            netuid: self.task.netuid,
            params: self.task.params(),
            profile: self.task.profile.to_string(),
            fetch_timeout: Duration::from_millis(self.fetch_timeout),
            version_key: self.version_key,
            poll: Duration::from_millis(250),
        };
        let events = printer(out);
        let error = runtime()?.block_on(wtao_subnet_agents::run_validator(
            &url,
            signer.pair,
            engine,
            config,
            events,
        ));
        Err(eyre::Report::new(error)).wrap_err("the validator stopped")
    }
}
