//! # wtao-devnet
//!
//! Brings the local devnet up: installs the pinned toolchain if needed ([`toolchain`]), starts
//! anvil ([`anvil`]), deploys WTAO, TaoBridge (behind an ERC1967 proxy), the TimelockController and
//! the WTAOGovernor with the project's own deploy script ([`deploy`]), and keeps every child
//! process under a handle that stops it when dropped ([`process`]).
//!
//! State lives in a data dir: anvil's chain state (`anvil-state.json`, dumped on shutdown and
//! loaded on start) and the deployment record (`deployment.json`). A second `up` on the same data
//! dir resumes the same chain and contracts; `fresh` wipes it first.
//!
//! tao-node and the relayers join this orchestration in their own issues; the CLI (`wtao devnet
//! up`) and the end-to-end tests both go through [`Devnet::up`].

pub mod anvil;
pub mod deploy;
mod error;
pub mod process;
pub mod toolchain;

use std::path::{Path, PathBuf};

pub use anvil::{Anvil, AnvilConfig, DEV_ACCOUNTS};
pub use deploy::{DeployConfig, Deployment};
pub use error::{DevnetError, Result};
pub use toolchain::Toolchain;

/// What `wtao devnet up` starts.
#[derive(Clone, Debug)]
pub struct DevnetConfig {
    /// The repository checkout (holds package.json and contracts/).
    pub root: PathBuf,
    /// Where the devnet keeps its state.
    pub data_dir: PathBuf,
    /// Wipe `data_dir` first.
    pub fresh: bool,
    /// anvil's port and chain settings.
    pub anvil: AnvilConfig,
    /// How many relayers the bridge trusts (the first anvil dev accounts after the deployer).
    pub relayers: usize,
    /// Signatures needed to mint; must be a strict majority of `relayers`.
    pub threshold: usize,
}

/// A running devnet. Dropping it stops every process it started.
#[derive(Debug)]
pub struct Devnet {
    /// The EVM chain.
    pub anvil: Anvil,
    /// The contracts.
    pub deployment: Deployment,
    /// Relayer addresses, ascending.
    pub relayers: Vec<String>,
    /// Whether the contracts were deployed by this `up` (false: resumed from the data dir).
    pub deployed_now: bool,
}

impl Devnet {
    /// Starts the devnet as configured.
    pub fn up(mut config: DevnetConfig) -> Result<Self> {
        let toolchain = Toolchain::ensure(&config.root)?;
        if config.fresh && config.data_dir.exists() {
            std::fs::remove_dir_all(&config.data_dir).map_err(|source| DevnetError::Io {
                what: "wiping",
                path: config.data_dir.clone(),
                source,
            })?;
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|source| DevnetError::Io {
            what: "creating",
            path: config.data_dir.clone(),
            source,
        })?;
        let record = config.data_dir.join("deployment.json");
        let state = config.data_dir.join("anvil-state.json");
        // A deployment record without the chain state it points into is useless: start over.
        let resume = record.is_file() && state.is_file();
        config.anvil.state_file = Some(state);

        let relayers = dev_relayers(config.relayers);
        let anvil = Anvil::spawn(&toolchain, config.anvil.clone())?;
        let (deployment, deployed_now) = if resume {
            (Deployment::load(&record)?, false)
        } else {
            let (_, deployer_key) = DEV_ACCOUNTS[0];
            let deployment = deploy::deploy(
                &toolchain,
                &DeployConfig {
                    rpc_url: anvil.endpoint(),
                    deployer_key: deployer_key.to_owned(),
                    relayers: relayers.clone(),
                    threshold: config.threshold,
                    guardian: DEV_ACCOUNTS[4].0.to_owned(),
                    broadcast_dir: config.data_dir.join("broadcast"),
                },
            )?;
            deployment.save(&record)?;
            (deployment, true)
        };
        Ok(Self { anvil, deployment, relayers, deployed_now })
    }

    /// The data dir's default location inside a checkout.
    pub fn default_data_dir(root: &Path) -> PathBuf {
        root.join(".wtao-devnet")
    }
}

/// The devnet's relayer addresses: anvil dev accounts 1.. (funded with ETH for gas), sorted
/// ascending as the bridge stores them.
fn dev_relayers(count: usize) -> Vec<String> {
    let mut relayers: Vec<String> =
        DEV_ACCOUNTS.iter().skip(1).take(count).map(|(addr, _)| (*addr).to_owned()).collect();
    relayers.sort_by_key(|a| a.to_lowercase());
    relayers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_relayers_are_sorted_and_exclude_the_deployer() {
        let r = dev_relayers(3);
        assert_eq!(r.len(), 3);
        assert!(!r.contains(&DEV_ACCOUNTS[0].0.to_owned()));
        let lower: Vec<String> = r.iter().map(|a| a.to_lowercase()).collect();
        let mut sorted = lower.clone();
        sorted.sort();
        assert_eq!(lower, sorted);
    }
}
