//! The pinned toolchain (forge, anvil, cast, solc-js, OpenZeppelin) comes from npm
//! (`package.json` + `package-lock.json` at the repository root). This module finds the root,
//! runs `npm ci` when `node_modules` is missing or older than the lockfile, and hands out the
//! binaries' paths, so a fresh clone needs nothing but Rust, node and npm.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::error::{DevnetError, Result};

/// Paths of the pinned tools of one checkout.
#[derive(Clone, Debug)]
pub struct Toolchain {
    root: PathBuf,
}

impl Toolchain {
    /// Finds the repository root at or above `start` (the folder holding `package.json` and
    /// `contracts/foundry.toml`).
    pub fn find_root(start: &Path) -> Result<PathBuf> {
        start
            .ancestors()
            .find(|dir| {
                dir.join("package.json").is_file() && dir.join("contracts/foundry.toml").is_file()
            })
            .map(Path::to_path_buf)
            .ok_or_else(|| DevnetError::RootNotFound { start: start.to_path_buf() })
    }

    /// Makes sure the toolchain of the checkout at `root` is installed, installing it if needed.
    pub fn ensure(root: &Path) -> Result<Self> {
        let toolchain = Self { root: root.to_path_buf() };
        if toolchain.is_stale() {
            tracing::info!(target: "devnet::toolchain", root = %root.display(), "installing the pinned toolchain with npm ci");
            let output = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(root)
                .output()
                .map_err(|e| DevnetError::Npm {
                    root: root.to_path_buf(),
                    reason: e.to_string(),
                })?;
            if !output.status.success() {
                return Err(DevnetError::Npm {
                    root: root.to_path_buf(),
                    reason: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
                });
            }
        }
        for name in ["forge", "anvil", "cast"] {
            let path = toolchain.tool(name);
            if !path.is_file() {
                return Err(DevnetError::MissingTool { name, path });
            }
        }
        Ok(toolchain)
    }

    /// `node_modules` is missing, or the lockfile changed after the last install.
    fn is_stale(&self) -> bool {
        let marker = self.root.join("node_modules/.package-lock.json");
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (modified(&marker), modified(&self.root.join("package-lock.json"))) {
            (Some(installed), Some(lock)) => lock > installed,
            _ => true,
        }
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The Foundry project.
    pub fn contracts_dir(&self) -> PathBuf {
        self.root.join("contracts")
    }

    fn tool(&self, name: &'static str) -> PathBuf {
        self.root.join(format!("node_modules/@foundry-rs/{name}-linux-amd64/bin/{name}"))
    }

    /// The pinned `anvil`.
    pub fn anvil(&self) -> PathBuf {
        self.tool("anvil")
    }

    /// The pinned `forge`.
    pub fn forge(&self) -> PathBuf {
        self.tool("forge")
    }

    /// The pinned `cast`.
    pub fn cast(&self) -> PathBuf {
        self.tool("cast")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_root_from_a_subfolder() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = Toolchain::find_root(here).unwrap();
        assert!(root.join("contracts/foundry.toml").is_file());
        assert_eq!(Toolchain::find_root(&root.join("crates/devnet/src")).unwrap(), root);
    }

    #[test]
    fn no_root_outside_a_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let err = Toolchain::find_root(dir.path()).unwrap_err();
        assert!(matches!(err, DevnetError::RootNotFound { .. }), "{err}");
    }
}
