//! `wtao devnet down`

use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::DataDirArgs;
use crate::output::Output;

/// How long the devnet gets to stop (anvil saves its chain, tao-node finishes its block).
const STOP_DEADLINE: Duration = Duration::from_secs(90);

/// Options of `wtao devnet down`.
#[derive(Debug, Args)]
pub(crate) struct DownArgs {
    #[command(flatten)]
    pub(crate) dir: DataDirArgs,
}

impl DownArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let data_dir = self.dir.data_dir()?;
        out.progress(&format!("stopping the devnet in {} …", data_dir.display()));
        let stopped = wtao_devnet::down(&data_dir, STOP_DEADLINE)?;
        let human = match stopped {
            Some(pid) => format!(
                "stopped the devnet in {} (pid {pid}); its state is kept: `wtao devnet up` resumes it",
                data_dir.display()
            ),
            None => format!("no devnet was running in {}", data_dir.display()),
        };
        out.success(
            json!({"data_dir": data_dir, "stopped": stopped.is_some(), "pid": stopped}),
            &human,
        );
        Ok(())
    }
}
