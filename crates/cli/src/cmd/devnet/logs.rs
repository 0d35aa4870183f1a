//! `wtao devnet logs [NAME] [-f]`

use std::{
    io::Write,
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use clap::Args;
use eyre::{WrapErr, bail};
use serde_json::json;
use wtao_devnet::{Layout, process};

use super::DataDirArgs;
use crate::output::Output;

/// How often `-f` looks for new lines.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);

/// Options of `wtao devnet logs`.
#[derive(Debug, Args)]
pub(crate) struct LogsArgs {
    #[command(flatten)]
    pub(crate) dir: DataDirArgs,

    /// Whose log: anvil, tao-node, relayer-N or supervisor [default: all of them].
    #[arg(value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// Keep printing new lines until Ctrl-C.
    #[arg(long, short)]
    pub(crate) follow: bool,

    /// How many of the last lines to print first.
    #[arg(long, short = 'n', value_name = "LINES", default_value_t = 40)]
    pub(crate) lines: usize,
}

impl LogsArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let data_dir = self.dir.data_dir()?;
        let layout = Layout::new(&data_dir);
        let available = logs(&layout);
        let chosen: Vec<(String, PathBuf)> = match &self.name {
            None => available.clone(),
            Some(name) => match available.iter().find(|(n, _)| n == name) {
                Some(found) => vec![found.clone()],
                None => {
                    let names: Vec<&str> = available.iter().map(|(n, _)| n.as_str()).collect();
                    bail!(
                        "no log named `{name}` in {}; there are: {}",
                        layout.logs().display(),
                        if names.is_empty() {
                            "none (has the devnet run?)".to_owned()
                        } else {
                            names.join(", ")
                        }
                    );
                }
            },
        };
        if chosen.is_empty() {
            bail!(
                "no logs in {} yet; start the devnet with `wtao devnet up`",
                layout.logs().display()
            );
        }
        let prefix = chosen.len() > 1;
        if out.json() {
            let data: Vec<_> = chosen
                .iter()
                .map(|(name, path)| json!({"name": name, "path": path, "lines": process::tail_file(path, self.lines)}))
                .collect();
            out.success(data, "");
            return Ok(());
        }
        let mut offsets = Vec::new();
        for (name, path) in &chosen {
            // One read gives both the tail and where following starts (after its last complete
            // line), so a line appended meanwhile is printed by the loop below instead of being
            // lost between printing the tail and measuring the file.
            let text = process::read_from(path, 0);
            let shown =
                if self.follow { text.rfind('\n').map_or(0, |end| end + 1) } else { text.len() };
            let lines: Vec<&str> = text[..shown].lines().collect();
            for line in &lines[lines.len().saturating_sub(self.lines)..] {
                if print_line(prefix, name, line).is_err() {
                    return Ok(());
                }
            }
            offsets.push(u64::try_from(shown).unwrap_or(0));
        }
        if !self.follow {
            return Ok(());
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .wrap_err("installing the Ctrl-C handler")?;
        while !stop.load(Ordering::SeqCst) {
            for ((name, path), offset) in chosen.iter().zip(offsets.iter_mut()) {
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                if len < *offset {
                    *offset = 0; // the log was wiped (`up --fresh`): start from its top
                }
                let text = process::read_from(path, *offset);
                let Some(end) = text.rfind('\n') else { continue };
                for line in text[..end].lines() {
                    if print_line(prefix, name, line).is_err() {
                        return Ok(());
                    }
                }
                *offset += u64::try_from(end + 1).unwrap_or(0);
            }
            std::thread::sleep(FOLLOW_INTERVAL);
        }
        Ok(())
    }
}

/// Prints one line; `Err` when stdout is gone (`wtao devnet logs | head`): the caller stops
/// quietly instead of panicking as `println!` would.
fn print_line(prefix: bool, name: &str, line: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if prefix {
        writeln!(stdout, "{name:>10} | {line}")?;
    } else {
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()
}

/// The logs in the data dir, by name: the devnet's processes first, then any others.
fn logs(layout: &Layout) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(layout.logs())
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let path = e.path();
                    let name = path.file_name()?.to_str()?.strip_suffix(".log")?.to_owned();
                    Some((name, path))
                })
                .collect()
        })
        .unwrap_or_default();
    let rank = |n: &str| match n {
        "anvil" => (0, 0),
        "tao-node" => (1, 0),
        "supervisor" => (3, 0),
        other => {
            (2, other.strip_prefix("relayer-").and_then(|i| i.parse().ok()).unwrap_or(usize::MAX))
        }
    };
    found.sort_by_key(|(n, _)| rank(n));
    found
}
