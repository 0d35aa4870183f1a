//! `relayer.toml`: typed, validated, with `WTAO_RELAYER_*` environment overrides.
//!
//! ```toml
//! data_dir = "relayer-1"                 # sled state; one per relayer
//!
//! [tao]
//! url = "ws://127.0.0.1:9944"            # tao-node JSON-RPC (ws://; no TLS in this build)
//! start_block = 1                        # first TAO block to scan on a fresh data_dir
//!
//! [eth]
//! rpc_url = "http://127.0.0.1:8545"      # http:// (no TLS in this build)
//! chain_id = 31337
//! bridge = "0x…"                         # TaoBridge proxy
//! confirmations = 12                     # blocks a burn must be buried under before release
//! start_block = 0                        # first EVM block to scan on a fresh data_dir
//! poll_interval_ms = 1000
//! submit_delay_ms = 4000                 # wait per rank before a backup relayer submits a mint
//! bump_after_ms = 30000                  # resubmit a pending mint with higher fees after this
//! max_fee_gwei = 500                     # never pay more than this per gas (gwei)
//!
//! [keys]
//! dir = "keys/relayer-1"                 # eth.json + tao.json (`wtao-relayer keys new`)
//! password_file = "secrets/relayer-1.pw" # or WTAO_RELAYER_KEYS_PASSWORD
//!
//! [metrics]
//! addr = "127.0.0.1:9615"                # /metrics (Prometheus) and /health
//!
//! [log]
//! format = "text"                        # or "json"
//! ```
//!
//! Every leaf can be overridden by an environment variable named after its path:
//! `WTAO_RELAYER_ETH_CONFIRMATIONS=2`, `WTAO_RELAYER_TAO_URL=ws://…`, `WTAO_RELAYER_DATA_DIR=…`.
//! The value is read as TOML when it parses as such (numbers, booleans) and as a string otherwise.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// Prefix of the environment overrides.
pub const ENV_PREFIX: &str = "WTAO_RELAYER_";

/// The whole relayer configuration.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelayerConfig {
    /// Directory of this relayer's sled database.
    pub data_dir: PathBuf,
    /// The TAO chain.
    pub tao: TaoConfig,
    /// The EVM chain.
    pub eth: EthConfig,
    /// Where the keys are.
    #[serde(default)]
    pub keys: KeysConfig,
    /// Metrics and health endpoint.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
}

/// The TAO side.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaoConfig {
    /// tao-node JSON-RPC endpoint, `ws://`.
    pub url: String,
    /// First block to scan for locks when the data dir is new.
    #[serde(default = "one")]
    pub start_block: u64,
}

/// The EVM side.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EthConfig {
    /// JSON-RPC endpoint, `http://`.
    pub rpc_url: String,
    /// Expected chain id (checked against the endpoint at start).
    pub chain_id: u64,
    /// The TaoBridge proxy.
    pub bridge: Address,
    /// Blocks a burn must be buried under before it is released (≥ 1).
    #[serde(default = "default_confirmations")]
    pub confirmations: u64,
    /// First block to scan for burns when the data dir is new.
    #[serde(default)]
    pub start_block: u64,
    /// How often to poll the EVM chain (ms).
    #[serde(default = "default_poll_ms")]
    pub poll_interval_ms: u64,
    /// How long each relayer ahead of this one in a batch's submitter order gets before this one
    /// submits the mint itself (ms).
    #[serde(default = "default_submit_delay_ms")]
    pub submit_delay_ms: u64,
    /// A mint transaction still pending after this long is replaced with higher fees (ms).
    #[serde(default = "default_bump_after_ms")]
    pub bump_after_ms: u64,
    /// Fee cap per gas, in gwei: bumping stops here.
    #[serde(default = "default_max_fee_gwei")]
    pub max_fee_gwei: u64,
}

/// Key locations. The password comes from `password_file` or `WTAO_RELAYER_KEYS_PASSWORD`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// Keystore directory (`eth.json`, `tao.json`).
    pub dir: Option<PathBuf>,
    /// File holding the keystore password (first line).
    pub password_file: Option<PathBuf>,
    /// The password itself; only from the environment (`WTAO_RELAYER_KEYS_PASSWORD`), never
    /// written in the file.
    #[serde(skip_serializing)]
    pub password: Option<String>,
}

/// Metrics endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// Listen address of `/metrics` and `/health`; unset = disabled.
    pub addr: Option<SocketAddr>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self { addr: Some(SocketAddr::from(([127, 0, 0, 1], 9615))) }
    }
}

/// Log output.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `text` (default) or `json`.
    #[serde(default)]
    pub format: LogFormat,
}

/// Log format.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

const fn one() -> u64 {
    1
}
const fn default_confirmations() -> u64 {
    12
}
const fn default_poll_ms() -> u64 {
    1_000
}
const fn default_submit_delay_ms() -> u64 {
    4_000
}
const fn default_bump_after_ms() -> u64 {
    30_000
}
const fn default_max_fee_gwei() -> u64 {
    500
}

impl EthConfig {
    /// Poll interval.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }
    /// Per-rank submit delay.
    pub fn submit_delay(&self) -> Duration {
        Duration::from_millis(self.submit_delay_ms)
    }
    /// Fee-bump timeout.
    pub fn bump_after(&self) -> Duration {
        Duration::from_millis(self.bump_after_ms)
    }
    /// Fee cap in wei.
    pub fn max_fee_wei(&self) -> u128 {
        u128::from(self.max_fee_gwei) * 1_000_000_000
    }
}

impl RelayerConfig {
    /// Read `path`, apply the environment overrides from `env`, and validate.
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Self::parse(&text, env).map_err(|e| e.in_file(path))
    }

    /// Parse TOML text, apply overrides, validate. Relative paths stay relative to the current
    /// directory.
    pub fn parse(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut value: toml::Table =
            toml::from_str(text).map_err(|e| ConfigError::Toml(Box::new(e)))?;
        apply_env(&mut value, env);
        let config: Self = toml::Value::Table(value)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Toml(Box::new(e)))?;
        config.validate()?;
        Ok(config)
    }

    /// The checks a typo would otherwise turn into a confusing failure at run time.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_url("tao.url", &self.tao.url, &["ws"])?;
        check_url("eth.rpc_url", &self.eth.rpc_url, &["http"])?;
        if self.eth.bridge == Address::ZERO {
            return Err(ConfigError::Invalid {
                field: "eth.bridge",
                reason: "the zero address; set the TaoBridge proxy address".into(),
            });
        }
        if self.eth.confirmations == 0 {
            return Err(ConfigError::Invalid {
                field: "eth.confirmations",
                reason: "must be at least 1: a burn at the chain head can still be reorged out"
                    .into(),
            });
        }
        if self.eth.poll_interval_ms == 0 {
            return Err(ConfigError::Invalid {
                field: "eth.poll_interval_ms",
                reason: "must be positive".into(),
            });
        }
        if self.eth.max_fee_gwei == 0 {
            return Err(ConfigError::Invalid {
                field: "eth.max_fee_gwei",
                reason: "must be positive".into(),
            });
        }
        if self.data_dir.as_os_str().is_empty() {
            return Err(ConfigError::Invalid { field: "data_dir", reason: "empty".into() });
        }
        Ok(())
    }
}

fn check_url(field: &'static str, url: &str, schemes: &[&str]) -> Result<(), ConfigError> {
    let parsed = url::Url::parse(url).map_err(|e| ConfigError::Invalid {
        field,
        reason: format!("`{url}` is not a URL: {e}"),
    })?;
    if matches!(parsed.scheme(), "https" | "wss") {
        return Err(ConfigError::Invalid {
            field,
            reason: format!(
                "`{url}`: this build speaks plain {} only (no TLS stack is compiled in); run the \
                 relayer next to its nodes, or behind a local TLS-terminating proxy",
                schemes.join("/")
            ),
        });
    }
    if !schemes.contains(&parsed.scheme()) {
        return Err(ConfigError::Invalid {
            field,
            reason: format!("`{url}` must start with {}", schemes.join(":// or ") + "://"),
        });
    }
    Ok(())
}

/// Override leaves from `WTAO_RELAYER_<PATH>` variables. Only known paths are considered for
/// nested tables, so a variable meant for one field never lands in another; top-level and
/// section keys that are absent from the file are still settable (e.g. `WTAO_RELAYER_ETH_BRIDGE`).
fn apply_env(table: &mut toml::Table, env: impl IntoIterator<Item = (String, String)>) {
    const SECTIONS: [&str; 5] = ["tao", "eth", "keys", "metrics", "log"];
    const NOT_CONFIG: [&str; 3] = ["dev_eth_key", "dev_tao_suri", "crash_at"];
    for (name, raw) in env {
        let Some(path) = name.strip_prefix(ENV_PREFIX) else { continue };
        let path = path.to_ascii_lowercase();
        let value = parse_env_value(&raw);
        let section = SECTIONS.iter().find(|s| {
            path.strip_prefix(**s).is_some_and(|rest| rest.starts_with('_') && rest.len() > 1)
        });
        match section {
            Some(s) => {
                let key = path[s.len() + 1..].to_owned();
                let entry = table
                    .entry((*s).to_owned())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                if let toml::Value::Table(t) = entry {
                    t.insert(key, value);
                }
            }
            // Dev keys and the crash point are read elsewhere (only with `--dev`): not fields.
            None if NOT_CONFIG.contains(&path.as_str()) => {}
            // Anything else lands at the top level, where an unknown name is rejected by name.
            None => {
                table.insert(path, value);
            }
        }
    }
}

fn parse_env_value(raw: &str) -> toml::Value {
    // "2" → integer, "true" → bool, anything else (URLs, addresses, paths) → string.
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(raw.to_owned())),
        Err(_) => toml::Value::String(raw.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        data_dir = "db"
        [tao]
        url = "ws://127.0.0.1:9944"
        [eth]
        rpc_url = "http://127.0.0.1:8545"
        chain_id = 31337
        bridge = "0x00000000000000000000000000000000000000aa"
    "#;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn defaults_fill_in() {
        let c = RelayerConfig::parse(MINIMAL, env(&[])).unwrap();
        assert_eq!(c.eth.confirmations, 12);
        assert_eq!(c.tao.start_block, 1);
        assert_eq!(c.log.format, LogFormat::Text);
        assert_eq!(c.metrics.addr, Some("127.0.0.1:9615".parse().unwrap()));
    }

    #[test]
    fn env_overrides_leaves_with_types() {
        let c = RelayerConfig::parse(
            MINIMAL,
            env(&[
                ("WTAO_RELAYER_ETH_CONFIRMATIONS", "2"),
                ("WTAO_RELAYER_TAO_URL", "ws://10.0.0.1:9944"),
                ("WTAO_RELAYER_DATA_DIR", "/var/lib/r1"),
                ("WTAO_RELAYER_LOG_FORMAT", "json"),
                ("WTAO_RELAYER_KEYS_PASSWORD", "hunter2"),
                ("WTAO_RELAYER_DEV_ETH_KEY", "0x01"),
                ("WTAO_RELAYER_DEV_TAO_SURI", "//Bob"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(c.eth.confirmations, 2);
        assert_eq!(c.tao.url, "ws://10.0.0.1:9944");
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/r1"));
        assert_eq!(c.log.format, LogFormat::Json);
        assert_eq!(c.keys.password.as_deref(), Some("hunter2"));
        let err = RelayerConfig::parse(MINIMAL, env(&[("WTAO_RELAYER_ETH_CONFIRMATOINS", "2")]))
            .unwrap_err();
        assert!(
            err.to_string().contains("confirmatoins")
                || format!("{err:?}").contains("confirmatoins"),
            "{err:?}"
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let cases: [(&str, &str, &str); 5] = [
            ("WTAO_RELAYER_TAO_URL", "http://x:9944", "tao.url"),
            ("WTAO_RELAYER_ETH_RPC_URL", "not a url", "eth.rpc_url"),
            ("WTAO_RELAYER_ETH_CONFIRMATIONS", "0", "eth.confirmations"),
            ("WTAO_RELAYER_ETH_BRIDGE", "0x0000000000000000000000000000000000000000", "eth.bridge"),
            ("WTAO_RELAYER_ETH_MAX_FEE_GWEI", "0", "eth.max_fee_gwei"),
        ];
        for (var, value, field) in cases {
            let err = RelayerConfig::parse(MINIMAL, env(&[(var, value)])).unwrap_err();
            assert!(err.to_string().contains(field), "{var}={value}: {err}");
        }
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let text = format!("{MINIMAL}\nconfirmation = 3\n");
        let err = RelayerConfig::parse(&text, env(&[])).unwrap_err();
        assert!(err.to_string().contains("confirmation"), "{err}");
        let err = RelayerConfig::parse(MINIMAL, env(&[("WTAO_RELAYER_ETH_CONFIRMATION", "3")]))
            .unwrap_err();
        assert!(err.to_string().contains("confirmation"), "{err}");
    }
}
