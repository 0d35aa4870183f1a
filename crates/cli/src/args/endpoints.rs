//! Where the chains are. By default the devnet running in the data dir (its `devnet.json` says
//! everything); any endpoint given by flag, environment or config file replaces the devnet's,
//! and with the TAO RPC, the EVM RPC and the bridge all given no devnet is needed at all (wTAO's
//! address is read from the bridge unless given).
//!
//! Precedence, per endpoint: the flag, then its `WTAO_*` variable, then the `--config` file
//! (TOML: `tao_rpc`, `eth_rpc`, `bridge`, `wtao`), then the running devnet.

use alloy::primitives::Address;
use clap::Args;
use eyre::eyre;
use wtao_devnet::DevnetInfo;

use super::address::parse_evm;
use crate::cmd::devnet::DataDirArgs;

/// The endpoint options every chain command takes.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Endpoints (default: the devnet running in the data dir)")]
pub(crate) struct EndpointArgs {
    /// tao-node's RPC (WebSocket).
    #[arg(long, value_name = "URL", env = "WTAO_TAO_RPC")]
    pub(crate) tao_rpc: Option<String>,

    /// The EVM chain's JSON-RPC (HTTP).
    #[arg(long, value_name = "URL", env = "WTAO_ETH_RPC")]
    pub(crate) eth_rpc: Option<String>,

    /// TaoBridge (the proxy's address).
    #[arg(long, value_name = "0x…", env = "WTAO_BRIDGE", value_parser = parse_evm)]
    pub(crate) bridge: Option<Address>,

    /// The WTAO token [default: read from the bridge].
    #[arg(long, value_name = "0x…", env = "WTAO_WTAO", value_parser = parse_evm)]
    pub(crate) wtao: Option<Address>,

    /// A TOML file with any of `tao_rpc`, `eth_rpc`, `bridge`, `wtao` (flags and variables
    /// win over it).
    #[arg(long, value_name = "FILE", env = "WTAO_CONFIG")]
    pub(crate) config: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub(crate) dir: DataDirArgs,
}

/// The `--config` file.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointsFile {
    tao_rpc: Option<String>,
    eth_rpc: Option<String>,
    bridge: Option<String>,
    wtao: Option<String>,
}

impl EndpointsFile {
    fn load(path: &std::path::Path) -> eyre::Result<Self> {
        use eyre::WrapErr;
        let text = std::fs::read_to_string(path)
            .wrap_err_with(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| eyre!("the config file {} is not valid: {}", path.display(), e.message()))
    }

    fn address(&self, value: Option<&String>, key: &str) -> eyre::Result<Option<Address>> {
        value
            .map(|v| parse_evm(v).map_err(|e| eyre!("`{key}` in the config file: {e}")))
            .transpose()
    }
}

/// The endpoints a command runs against.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    tao_rpc: Option<String>,
    eth_rpc: Option<String>,
    bridge: Option<Address>,
    wtao: Option<Address>,
    /// The running devnet, if the endpoints (or some of them) come from it.
    pub(crate) devnet: Option<DevnetInfo>,
    /// Why there is no devnet, for the error of an endpoint that is missing.
    no_devnet: Option<String>,
}

impl EndpointArgs {
    /// The endpoints: the flags, completed from the running devnet when any is missing.
    pub(crate) fn resolve(&self) -> eyre::Result<Endpoints> {
        let file = match &self.config {
            Some(path) => EndpointsFile::load(path)?,
            None => EndpointsFile::default(),
        };
        let file_bridge = file.address(file.bridge.as_ref(), "bridge")?;
        let file_wtao = file.address(file.wtao.as_ref(), "wtao")?;
        let given = Self {
            tao_rpc: self.tao_rpc.clone().or(file.tao_rpc),
            eth_rpc: self.eth_rpc.clone().or(file.eth_rpc),
            bridge: self.bridge.or(file_bridge),
            wtao: self.wtao.or(file_wtao),
            config: None,
            dir: self.dir.clone(),
        };
        given.complete()
    }

    /// Completes the given endpoints from the running devnet.
    fn complete(&self) -> eyre::Result<Endpoints> {
        let complete = self.tao_rpc.is_some() && self.eth_rpc.is_some() && self.bridge.is_some();
        let (devnet, no_devnet) = if complete {
            (None, None)
        } else {
            match self.devnet() {
                Ok(info) => (Some(info), None),
                Err(why) => (None, Some(why)),
            }
        };
        let d = devnet.as_ref();
        Ok(Endpoints {
            tao_rpc: self.tao_rpc.clone().or_else(|| d.map(|i| i.tao.ws_url.clone())),
            eth_rpc: self.eth_rpc.clone().or_else(|| d.map(|i| i.evm.rpc_url.clone())),
            bridge: self.bridge.or_else(|| d.map(|i| i.contracts.bridge)),
            wtao: self.wtao.or_else(|| {
                // The devnet's token belongs to the devnet's bridge only.
                if self.bridge.is_none() { d.map(|i| i.contracts.wtao) } else { None }
            }),
            devnet,
            no_devnet,
        })
    }

    /// The running devnet's info, or why there is none (a sentence that says what to do).
    fn devnet(&self) -> Result<DevnetInfo, String> {
        let data_dir = match self.dir.data_dir() {
            Ok(dir) => dir,
            Err(_) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                return Err(format!(
                    "no devnet: {} is not inside a wtao checkout (where .wtao-devnet lives); \
                     pass --data-dir DIR",
                    cwd.display()
                ));
            }
        };
        let status = wtao_devnet::status(&data_dir).map_err(|e| format!("{e:#}"))?;
        let ready = status.owner.as_ref().is_some_and(|o| o.state == "running");
        match (status.running, ready, status.info) {
            (true, true, Some(info)) => Ok(info),
            (true, _, _) => Err(format!(
                "the devnet in {} is still starting; wait until `wtao devnet status` says it is up",
                data_dir.display()
            )),
            (false, _, _) if status.shape.is_some() => Err(format!(
                "the devnet in {} is stopped; `wtao devnet up --detach` resumes it",
                data_dir.display()
            )),
            (false, _, _) => Err(format!(
                "no devnet is running in {}; start one with `wtao devnet up --detach`",
                data_dir.display()
            )),
        }
    }
}

impl Endpoints {
    fn missing(&self, flag: &str) -> eyre::Report {
        let why = self.no_devnet.as_deref().unwrap_or("no devnet");
        eyre!("{why}, or pass {flag}")
    }

    /// tao-node's WebSocket URL.
    pub(crate) fn tao_rpc(&self) -> eyre::Result<&str> {
        self.tao_rpc.as_deref().ok_or_else(|| self.missing("--tao-rpc ws://…"))
    }

    /// The EVM JSON-RPC URL.
    pub(crate) fn eth_rpc(&self) -> eyre::Result<&str> {
        self.eth_rpc.as_deref().ok_or_else(|| self.missing("--eth-rpc http://…"))
    }

    /// TaoBridge.
    pub(crate) fn bridge(&self) -> eyre::Result<Address> {
        self.bridge.ok_or_else(|| self.missing("--bridge 0x…"))
    }

    /// WTAO, if known without asking the bridge.
    pub(crate) fn wtao(&self) -> Option<Address> {
        self.wtao
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        endpoints: EndpointArgs,
    }

    #[test]
    fn without_a_devnet_the_error_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_str().unwrap();
        let cli = Cli::try_parse_from(["x", "--data-dir", d]).unwrap();
        let ep = cli.endpoints.resolve().unwrap();
        let err = ep.tao_rpc().unwrap_err().to_string();
        assert!(err.starts_with("no devnet is running in "), "{err}");
        assert!(
            err.contains("wtao devnet up --detach") && err.ends_with("or pass --tao-rpc ws://…"),
            "{err}"
        );
        let err = ep.bridge().unwrap_err().to_string();
        assert!(err.ends_with("or pass --bridge 0x…"), "{err}");
    }

    #[test]
    fn flags_need_no_devnet() {
        let cli = Cli::try_parse_from([
            "x",
            "--tao-rpc",
            "ws://127.0.0.1:1",
            "--eth-rpc",
            "http://127.0.0.1:2",
            "--bridge",
            "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "--data-dir",
            "/nonexistent",
        ])
        .unwrap();
        let ep = cli.endpoints.resolve().unwrap();
        assert_eq!(ep.tao_rpc().unwrap(), "ws://127.0.0.1:1");
        assert_eq!(ep.eth_rpc().unwrap(), "http://127.0.0.1:2");
        assert!(ep.devnet.is_none() && ep.wtao().is_none());
        let err =
            Cli::try_parse_from(["x", "--bridge", "0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266"])
                .unwrap_err()
                .to_string();
        assert!(err.contains("EIP-55"), "{err}");
    }

    #[test]
    fn a_config_file_fills_in_what_flags_do_not_say() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wtao.toml");
        std::fs::write(
            &path,
            "tao_rpc = \"ws://file:1\"\neth_rpc = \"http://file:2\"\n\
             bridge = \"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let cli = Cli::try_parse_from(["x", "--config", p, "--tao-rpc", "ws://flag:1"]).unwrap();
        let ep = cli.endpoints.resolve().unwrap();
        assert_eq!(ep.tao_rpc().unwrap(), "ws://flag:1", "the flag wins");
        assert_eq!(ep.eth_rpc().unwrap(), "http://file:2");
        assert!(ep.devnet.is_none(), "complete without a devnet");

        std::fs::write(&path, "bridge = \"0xF39fd6e51aad88f6f4ce6ab8827279cfffb92266\"\n").unwrap();
        let err = Cli::try_parse_from(["x", "--config", p]).unwrap().endpoints.resolve();
        let err = err.unwrap_err().to_string();
        assert!(err.contains("`bridge` in the config file") && err.contains("EIP-55"), "{err}");
        std::fs::write(&path, "tao_url = \"ws://x\"\n").unwrap();
        let err = Cli::try_parse_from(["x", "--config", p]).unwrap().endpoints.resolve();
        let err = err.unwrap_err().to_string();
        assert!(err.contains("is not valid") && err.contains("tao_url"), "{err}");
    }
}
