//! `wtao devnet status`

use clap::Args;
use serde_json::json;

use super::{
    DataDirArgs,
    summary::{self, Mode},
};
use crate::{chain, output::Output};

/// Options of `wtao devnet status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub(crate) dir: DataDirArgs,
}

impl StatusArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let data_dir = self.dir.data_dir()?;
        let status = wtao_devnet::status(&data_dir)?;
        let pid = status.owner.as_ref().map(|o| o.pid);
        // devnet.json is the last run's until the owner says the current one is ready.
        let ready = status.owner.as_ref().is_some_and(|o| o.state == "running");
        let (info, running) = match (status.info, status.running && ready) {
            (Some(info), true) => (info, true),
            (info, _) => {
                let running = status.running;
                let state = if running { "starting" } else { "stopped" };
                let human = match (&status.shape, running) {
                    (_, true) => format!(
                        "a devnet is starting in {} (pid {}); `wtao devnet logs -f` shows how far it got",
                        data_dir.display(),
                        pid.unwrap_or_default()
                    ),
                    (Some(shape), false) => format!(
                        "the devnet in {} is stopped; it holds {shape}: `wtao devnet up` resumes it",
                        data_dir.display()
                    ),
                    (None, false) => {
                        format!("no devnet in {}; `wtao devnet up` creates one", data_dir.display())
                    }
                };
                out.success(
                    json!({"running": running, "state": state, "pid": pid, "data_dir": data_dir,
                           "shape": status.shape, "last_run": info}),
                    &human,
                );
                return Ok(());
            }
        };
        let mut dead = Vec::new();
        for p in &info.processes {
            if !wtao_devnet::process::is_alive(p.pid) {
                dead.push(p.name.clone());
            }
        }
        if !dead.is_empty() {
            out.warn(format!("not running: {} (see `wtao devnet logs <name>`)", dead.join(", ")));
        }
        let balances = chain::balances(&info)
            .map_err(|e| out.warn(format!("could not read the balances: {e:#}")))
            .ok();
        let mode = Mode::Background(pid.unwrap_or_default());
        out.success(
            summary::data(&info, balances.as_ref(), running, pid),
            &summary::human(&info, balances.as_ref(), &mode),
        );
        Ok(())
    }
}
