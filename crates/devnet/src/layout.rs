//! The data dir: everything a devnet keeps, in one folder (`.wtao-devnet/` by default).
//!
//! ```text
//! lock                      flock held while a devnet runs here
//! owner.json                pid of the process that holds the lock, and of its children
//! network.json              the network's shape (relayers, threshold, chain id): fixed at creation
//! devnet.json               endpoints, contracts, accounts, relayers, logs — written when ready
//! deployment.json           contract addresses
//! broadcast/                forge's broadcast records of the deploy
//! anvil/state.json          anvil's chain (loaded on start, dumped on stop)
//! anvil/accounts.json       anvil's --config-out: dev accounts and keys
//! tao-node/chain-spec.json  tao-node's genesis (the dev spec with the bridge set)
//! tao-node/chains/<id>/db   tao-node's database
//! relayers/relayer-N/       relayer.toml and the relayer's sled store (db/)
//! logs/<name>.log           anvil, tao-node, relayer-N, supervisor (with --detach)
//! ```

use std::path::{Path, PathBuf};

use crate::error::{DevnetError, Result, io_error};

/// Paths inside one data dir.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    dir: PathBuf,
}

/// Files a devnet of an older wtao left at the top of its data dir (anvil only).
const OLD_LAYOUT: [&str; 2] = ["anvil-state.json", "deployment.json"];

impl Layout {
    /// The layout of `dir` (made absolute, so paths handed to children and written into
    /// configs stay valid whatever their working directory).
    pub fn new(dir: &Path) -> Self {
        Self { dir: std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()) }
    }

    /// The data dir.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The lock file.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("lock")
    }
    /// The owner record.
    pub fn owner(&self) -> PathBuf {
        self.dir.join("owner.json")
    }
    /// The network's shape.
    pub fn network(&self) -> PathBuf {
        self.dir.join("network.json")
    }
    /// The summary of the running devnet.
    pub fn info(&self) -> PathBuf {
        self.dir.join("devnet.json")
    }
    /// The deployment record.
    pub fn deployment(&self) -> PathBuf {
        self.dir.join("deployment.json")
    }
    /// forge's broadcast folder.
    pub fn broadcast(&self) -> PathBuf {
        self.dir.join("broadcast")
    }
    /// anvil's state file.
    pub fn anvil_state(&self) -> PathBuf {
        self.dir.join("anvil/state.json")
    }
    /// anvil's accounts (`--config-out`).
    pub fn anvil_accounts(&self) -> PathBuf {
        self.dir.join("anvil/accounts.json")
    }
    /// tao-node's `--base-path`.
    pub fn node_dir(&self) -> PathBuf {
        self.dir.join("tao-node")
    }
    /// tao-node's chain spec.
    pub fn chain_spec(&self) -> PathBuf {
        self.node_dir().join("chain-spec.json")
    }
    /// Relayer `i`'s folder (config and store).
    pub fn relayer_dir(&self, i: usize) -> PathBuf {
        self.dir.join("relayers").join(crate::accounts::relayer_name(i))
    }
    /// The logs folder.
    pub fn logs(&self) -> PathBuf {
        self.dir.join("logs")
    }
    /// The log of `name` (`anvil`, `tao-node`, `relayer-1`, `supervisor`).
    pub fn log(&self, name: &str) -> PathBuf {
        self.logs().join(format!("{name}.log"))
    }

    /// Whether the folder is empty or missing.
    pub fn is_empty(&self) -> bool {
        std::fs::read_dir(&self.dir).map_or(true, |mut d| d.next().is_none())
    }

    /// Whether the folder is a devnet data dir (of this or an older wtao), so wiping it is
    /// safe: it has a lock file or the older layout's files.
    pub fn is_devnet_dir(&self) -> bool {
        self.lock().is_file() || self.is_old_layout()
    }

    /// Whether the folder holds an older wtao's devnet (anvil and contracts only).
    pub fn is_old_layout(&self) -> bool {
        !self.network().exists() && OLD_LAYOUT.iter().all(|f| self.dir.join(f).is_file())
    }

    /// Removes everything in the data dir except the lock file (held by the caller) and the
    /// supervisor's log (a detached devnet's supervisor is writing it while it wipes).
    pub fn wipe(&self) -> Result<()> {
        self.wipe_dir(&self.dir, &[self.lock(), self.logs(), self.log("supervisor")])
    }

    fn wipe_dir(&self, dir: &Path, keep: &[PathBuf]) -> Result<()> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error("reading", dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io_error("reading", dir))?;
            let path = entry.path();
            if path == self.logs() {
                self.wipe_dir(&path, keep)?;
                continue;
            }
            if keep.contains(&path) {
                continue;
            }
            let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.map_err(io_error("removing", &path))?;
        }
        Ok(())
    }

    /// Refuses a folder that holds something else than a devnet, before anything is written or
    /// wiped there: `--data-dir ~` must never cost anyone their home folder.
    pub fn check_owned(&self) -> Result<()> {
        if self.is_empty() || self.is_devnet_dir() {
            return Ok(());
        }
        Err(DevnetError::ForeignDir { data_dir: self.dir.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wipe_keeps_only_the_lock_and_the_supervisors_log() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        std::fs::write(layout.lock(), "").unwrap();
        std::fs::create_dir_all(layout.node_dir().join("chains/x")).unwrap();
        std::fs::write(layout.deployment(), "{}").unwrap();
        std::fs::create_dir_all(layout.logs()).unwrap();
        std::fs::write(layout.log("anvil"), "old").unwrap();
        std::fs::write(layout.log("supervisor"), "writing").unwrap();
        layout.wipe().unwrap();
        let mut left: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        left.sort();
        assert_eq!(left, vec![layout.lock(), layout.logs()]);
        let logs: Vec<_> =
            std::fs::read_dir(layout.logs()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(logs, vec![layout.log("supervisor")]);
    }

    #[test]
    fn a_folder_of_other_files_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        layout.check_owned().unwrap();
        std::fs::write(dir.path().join("thesis.tex"), "precious").unwrap();
        let err = layout.check_owned().unwrap_err().to_string();
        assert!(err.contains("holds no devnet"), "{err}");
        std::fs::write(layout.lock(), "").unwrap();
        layout.check_owned().unwrap();
    }

    #[test]
    fn recognises_the_older_layout() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path());
        for f in OLD_LAYOUT {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        assert!(layout.is_old_layout() && layout.is_devnet_dir());
    }

    #[test]
    fn paths_are_absolute() {
        let layout = Layout::new(Path::new("relative/dir"));
        assert!(layout.dir().is_absolute());
        assert!(layout.log("relayer-1").ends_with("relative/dir/logs/relayer-1.log"));
    }
}
