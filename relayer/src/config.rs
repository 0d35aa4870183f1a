//! `relayer.toml`: typed settings from three layers, validated.
//!
//! ```toml
//! data_dir = "relayer-1"                 # sled state; one per relayer
//!
//! [tao]
//! url = "wss://tao.example.org:443"      # tao-node JSON-RPC, ws:// or wss://
//! # urls = ["wss://a:443", "wss://b:443"] # or several: failover in this order
//! start_block = 1                        # first TAO block to scan on a fresh data_dir
//! stale_after_ms = 60000                 # no finalized block this long: next endpoint
//!
//! [eth]
//! rpc_url = "https://eth.example.org"    # http:// or https://
//! # rpc_urls = ["https://a", "https://b", "https://c"] # or several: failover in this order
//! quorum = 1                             # endpoints that must agree on a burn to release it
//! stale_after_ms = 60000                 # no new block this long: next endpoint
//! chain_id = 31337
//! bridge = "0x…"                         # TaoBridge proxy
//! confirmations = 12                     # blocks a burn must be buried under before release
//! start_block = 0                        # first EVM block to scan on a fresh data_dir
//! poll_interval_ms = 1000
//! submit_delay_ms = 4000                 # wait per rank before a backup relayer submits a mint
//! bump_after_ms = 30000                  # resubmit a pending mint with higher fees after this
//! max_fee_gwei = 500                     # never pay more than this per gas (gwei)
//! low_balance_gwei = 50000000            # warn (and signer_balance_low = 1) under 0.05 ETH
//!
//! [keys]
//! dir = "keys/relayer-1"                 # eth.json + tao.json (`wtao-relayer keys new`)
//! password_file = "secrets/relayer-1.pw" # or WTAO_RELAYER_KEYS_PASSWORD, or a prompt
//!
//! [tls]                                  # for https:// and wss:// endpoints
//! ca_file = "certs/private-ca.pem"       # extra CA certificates (PEM) to trust
//! system_roots = true                    # also trust the operating system's roots
//!
//! [metrics]
//! addr = "127.0.0.1:9615"                # /metrics (Prometheus) and /health
//!
//! [store]
//! retention_hours = 168                  # keep finished batches/burns this long; 0 = forever
//!
//! [log]
//! format = "text"                        # or "json"
//! ```
//!
//! # Precedence
//!
//! Three layers, each overriding the one before, leaf by leaf:
//!
//! 1. **the file** given with `--config`; optional fields fall back to the defaults above;
//! 2. **the environment**: every leaf as `WTAO_RELAYER_<SECTION>_<FIELD>` (`data_dir` as
//!    `WTAO_RELAYER_DATA_DIR`), e.g. `WTAO_RELAYER_ETH_CONFIRMATIONS=2`,
//!    `WTAO_RELAYER_TAO_URL=wss://…`; an empty value unsets the field (its default applies, and
//!    `WTAO_RELAYER_METRICS_ADDR=` turns the endpoint off);
//! 3. **flags** of `wtao-relayer run` (`--data-dir`, `--tao-url`, `--eth-rpc-url`,
//!    `--metrics-addr`, `--log-format`): see [`Override`].
//!
//! A value from the environment or a flag is parsed as its field's type — a password `123456`
//! stays text, `eth.confirmations` must be an integer — and an error names the variable or flag
//! it came from, not the file. A `WTAO_RELAYER_*` variable that is no setting is refused, so a
//! typo does not silently leave the default in force. Relative paths in the file are relative to
//! the file's folder (the config works from any working directory); paths from the environment
//! or a flag are relative to the working directory, as a shell user expects.
//!
//! # Secrets
//!
//! The config file never holds a secret: the keystore password comes from
//! `WTAO_RELAYER_KEYS_PASSWORD`, from the file `keys.password_file` names, or from a prompt on a
//! terminal (in that order), and a `password` key in the file is refused. It is kept as a
//! [`Secret`], which `Debug` and `Display` print as `[redacted]`.
//!
//! # Endpoints
//!
//! Each chain has one endpoint (`tao.url`, `eth.rpc_url`) or several (`tao.urls`,
//! `eth.rpc_urls`; in the environment a comma-separated list, e.g.
//! `WTAO_RELAYER_ETH_RPC_URLS=https://a,https://b`). Both may be set: the single one comes
//! first. The relayer uses one endpoint at a time and moves to the next on a transport error or
//! a stale head (see `crate::failover`). `eth.quorum = k` makes a burn wait until `k` of the EVM
//! endpoints report the same block and log (see `crate::quorum`). `[tls]` is shared by every
//! endpoint of both chains.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alloy::primitives::Address;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{ConfigError, Origin};
use crate::secret::Secret;

/// Prefix of the environment overrides.
pub const ENV_PREFIX: &str = "WTAO_RELAYER_";

/// The keystore password (never a config-file key).
pub const PASSWORD_VAR: &str = "WTAO_RELAYER_KEYS_PASSWORD";

/// `WTAO_RELAYER_*` variables that are not settings: the password ([`PASSWORD_VAR`]), the dev
/// keys and the crash point, read elsewhere (the last three only with `--dev`).
const NOT_SETTINGS: [&str; 4] = ["KEYS_PASSWORD", "DEV_ETH_KEY", "DEV_TAO_SURI", "CRASH_AT"];

/// The whole relayer configuration.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
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
    /// Certificates trusted for `https://` and `wss://` endpoints.
    #[serde(default)]
    pub tls: TlsConfig,
    /// Metrics and health endpoint.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// The relayer's database.
    #[serde(default)]
    pub store: StoreConfig,
    /// Logging.
    #[serde(default)]
    pub log: LogConfig,
}

/// The relayer's database.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// How long finished batches and burns stay in the store (for `status` and duplicate
    /// detection) before they are pruned, in hours; 0 keeps them forever. Open items are never
    /// pruned.
    #[serde(default = "StoreConfig::default_retention_hours")]
    pub retention_hours: u64,
}

impl StoreConfig {
    const fn default_retention_hours() -> u64 {
        168
    }

    /// The retention, or `None` to keep finished records forever.
    pub fn retention(&self) -> Option<Duration> {
        (self.retention_hours > 0)
            .then(|| Duration::from_secs(self.retention_hours.saturating_mul(3600)))
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self { retention_hours: Self::default_retention_hours() }
    }
}

/// The TAO side.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaoConfig {
    /// tao-node JSON-RPC endpoint, `ws://` or `wss://`.
    pub url: Option<Url>,
    /// More endpoints (after `url`), for failover.
    #[serde(default)]
    pub urls: Vec<Url>,
    /// First block to scan for locks when the data dir is new.
    #[serde(default = "one")]
    pub start_block: u64,
    /// An endpoint that delivers no finalized block for this long (ms) is left for the next.
    #[serde(default = "default_stale_ms")]
    pub stale_after_ms: u64,
}

/// The EVM side.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EthConfig {
    /// JSON-RPC endpoint, `http://` or `https://`.
    pub rpc_url: Option<Url>,
    /// More endpoints (after `rpc_url`), for failover and the quorum.
    #[serde(default)]
    pub rpc_urls: Vec<Url>,
    /// How many endpoints must report a burn's block hash and log before it is approved.
    #[serde(default = "one")]
    pub quorum: u64,
    /// An endpoint whose head does not grow for this long (ms) is left for the next.
    #[serde(default = "default_stale_ms")]
    pub stale_after_ms: u64,
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
    /// Under this signer balance (gwei) the relayer warns and sets `signer_balance_low` to 1:
    /// it is about to be unable to pay for mints.
    #[serde(default = "default_low_balance_gwei")]
    pub low_balance_gwei: u64,
}

/// Key locations. The password is not a file setting: see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeysConfig {
    /// Keystore directory (`eth.json`, `tao.json`).
    pub dir: Option<PathBuf>,
    /// File holding the keystore password (its first line).
    pub password_file: Option<PathBuf>,
    /// The password from [`PASSWORD_VAR`]; never read from or written to the file.
    #[serde(skip)]
    pub password: Option<Secret>,
}

/// Which certificates a TLS endpoint may present.
///
/// The roots are the operating system's (`/etc/ssl/certs` and the other places OpenSSL looks,
/// through `rustls-native-certs`), so a CA added or withdrawn by the system's `ca-certificates`
/// updates is honoured without a new build; `ca_file` adds a private CA.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file of extra CA certificates to trust (an operator's private CA, a test CA).
    pub ca_file: Option<PathBuf>,
    /// Trust the operating system's root certificates too (default); `false` trusts only
    /// `ca_file`.
    #[serde(default = "yes")]
    pub system_roots: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self { ca_file: None, system_roots: true }
    }
}

/// Metrics endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
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

const fn yes() -> bool {
    true
}
const fn one() -> u64 {
    1
}
const fn default_stale_ms() -> u64 {
    60_000
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
const fn default_low_balance_gwei() -> u64 {
    50_000_000
}

/// `first` then `more`, each once, in order.
fn endpoints(first: Option<&Url>, more: &[Url]) -> Vec<Url> {
    let mut out: Vec<Url> = Vec::new();
    for u in first.into_iter().chain(more) {
        if !out.contains(u) {
            out.push(u.clone());
        }
    }
    out
}

impl TaoConfig {
    /// The endpoints in failover order: `url`, then `urls`.
    pub fn endpoints(&self) -> Vec<Url> {
        endpoints(self.url.as_ref(), &self.urls)
    }
    /// The stale-head timeout.
    pub fn stale_after(&self) -> Duration {
        Duration::from_millis(self.stale_after_ms)
    }
}

impl EthConfig {
    /// The endpoints in failover order: `rpc_url`, then `rpc_urls`.
    pub fn endpoints(&self) -> Vec<Url> {
        endpoints(self.rpc_url.as_ref(), &self.rpc_urls)
    }
    /// The stale-head timeout.
    pub fn stale_after(&self) -> Duration {
        Duration::from_millis(self.stale_after_ms)
    }
    /// The quorum as a count.
    pub fn quorum(&self) -> usize {
        usize::try_from(self.quorum).unwrap_or(usize::MAX)
    }
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
    /// Low-balance threshold in wei.
    pub fn low_balance_wei(&self) -> u128 {
        u128::from(self.low_balance_gwei) * 1_000_000_000
    }
}

/// A command-line flag that sets one field (layer 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The flag as the user typed it, for errors (`--tao-url`).
    pub flag: &'static str,
    /// The field it sets, dotted (`tao.url`).
    pub field: &'static str,
    /// The raw value, parsed as the field's type.
    pub value: String,
}

/// One settable leaf of [`RelayerConfig`]: its dotted path and how to check a value for it.
struct Field {
    path: &'static str,
    /// A filesystem path: relative values in the file are taken from the file's folder.
    is_path: bool,
    /// No default: the file, the environment or a flag must set it.
    required: bool,
    /// Whether `value` deserializes as the field's type (the reason when not).
    check: fn(&toml::Value) -> Result<(), String>,
}

impl Field {
    const fn new<T: DeserializeOwned>(path: &'static str) -> Self {
        Self { path, is_path: false, required: false, check: check::<T> }
    }
    const fn path(mut self) -> Self {
        self.is_path = true;
        self
    }
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// `WTAO_RELAYER_ETH_RPC_URL` for `eth.rpc_url`.
    fn env_var(&self) -> String {
        format!("{ENV_PREFIX}{}", self.path.replace('.', "_").to_ascii_uppercase())
    }

    fn section_and_key(&self) -> (Option<&'static str>, &'static str) {
        match self.path.split_once('.') {
            Some((section, key)) => (Some(section), key),
            None => (None, self.path),
        }
    }

    /// The TOML value for `raw` (text from the environment or a flag): the first of text,
    /// integer and boolean that the field's type accepts; `None` for the empty string (unset).
    fn parse(&self, raw: &str) -> Result<Option<toml::Value>, String> {
        if raw.is_empty() {
            return Ok(None);
        }
        let mut candidates = vec![toml::Value::String(raw.to_owned())];
        if let Ok(i) = raw.parse::<i64>() {
            candidates.push(toml::Value::Integer(i));
        }
        if let Ok(b) = raw.parse::<bool>() {
            candidates.push(toml::Value::Boolean(b));
        }
        // A list: comma-separated.
        candidates.push(toml::Value::Array(
            raw.split(',').map(|p| toml::Value::String(p.trim().to_owned())).collect(),
        ));
        let mut reason = String::new();
        for candidate in candidates {
            match (self.check)(&candidate) {
                Ok(()) => return Ok(Some(candidate)),
                Err(why) => reason = why,
            }
        }
        Err(reason)
    }
}

fn check<T: DeserializeOwned>(value: &toml::Value) -> Result<(), String> {
    value.clone().try_into::<T>().map(drop).map_err(|e| e.message().to_owned())
}

/// Every leaf, once. A test checks this list against the structs' fields.
static FIELDS: &[Field] = &[
    Field::new::<PathBuf>("data_dir").path().required(),
    Field::new::<Url>("tao.url"),
    Field::new::<Vec<Url>>("tao.urls"),
    Field::new::<u64>("tao.start_block"),
    Field::new::<u64>("tao.stale_after_ms"),
    Field::new::<Url>("eth.rpc_url"),
    Field::new::<Vec<Url>>("eth.rpc_urls"),
    Field::new::<u64>("eth.quorum"),
    Field::new::<u64>("eth.stale_after_ms"),
    Field::new::<u64>("eth.chain_id").required(),
    Field::new::<Address>("eth.bridge").required(),
    Field::new::<u64>("eth.confirmations"),
    Field::new::<u64>("eth.start_block"),
    Field::new::<u64>("eth.poll_interval_ms"),
    Field::new::<u64>("eth.submit_delay_ms"),
    Field::new::<u64>("eth.bump_after_ms"),
    Field::new::<u64>("eth.max_fee_gwei"),
    Field::new::<u64>("eth.low_balance_gwei"),
    Field::new::<PathBuf>("keys.dir").path(),
    Field::new::<PathBuf>("keys.password_file").path(),
    Field::new::<PathBuf>("tls.ca_file").path(),
    Field::new::<bool>("tls.system_roots"),
    Field::new::<SocketAddr>("metrics.addr"),
    Field::new::<u64>("store.retention_hours"),
    Field::new::<LogFormat>("log.format"),
];

fn fields() -> impl Iterator<Item = &'static Field> {
    FIELDS.iter()
}

fn field(path: &str) -> Option<&'static Field> {
    fields().find(|f| f.path == path)
}

fn sections() -> impl Iterator<Item = &'static str> {
    fields().filter_map(|f| f.section_and_key().0)
}

fn get<'t>(table: &'t toml::Table, f: &Field) -> Option<&'t toml::Value> {
    match f.section_and_key() {
        (Some(section), key) => table.get(section)?.as_table()?.get(key),
        (None, key) => table.get(key),
    }
}

/// Set (or, for `None`, remove) field `f` in `table`, creating its section.
fn set(table: &mut toml::Table, f: &Field, value: Option<toml::Value>) {
    let (section, key) = f.section_and_key();
    let target = match section {
        None => table,
        Some(section) => {
            let entry = table
                .entry(section.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            match entry.as_table_mut() {
                Some(t) => t,
                None => return,
            }
        }
    };
    match value {
        Some(v) => {
            target.insert(key.to_owned(), v);
        }
        None => {
            target.remove(key);
        }
    }
}

/// Check the file's table: known keys only, each of its field's type, no secret; relative
/// paths joined to `base`.
fn check_file(table: &mut toml::Table, base: &Path) -> Result<(), ConfigError> {
    let mut leaves: Vec<(String, &mut toml::Value)> = Vec::new();
    for (key, value) in table.iter_mut() {
        if sections().any(|s| key.as_str() == s) {
            let Some(inner) = value.as_table_mut() else {
                return Err(ConfigError::Value {
                    field: key.clone(),
                    reason: format!("must be a table: write it as a `[{key}]` section"),
                });
            };
            for (k, v) in inner.iter_mut() {
                leaves.push((format!("{key}.{k}"), v));
            }
        } else {
            leaves.push((key.clone(), value));
        }
    }
    for (path, value) in leaves {
        if path == "keys.password" {
            return Err(ConfigError::SecretInFile { key: "keys.password" });
        }
        let Some(f) = field(&path) else {
            return Err(ConfigError::UnknownKey { key: path });
        };
        (f.check)(value).map_err(|reason| ConfigError::Value { field: path.clone(), reason })?;
        if f.is_path
            && let toml::Value::String(p) = value
            && !p.is_empty()
            && Path::new(p.as_str()).is_relative()
        {
            *p = base.join(p.as_str()).to_string_lossy().into_owned();
        }
    }
    Ok(())
}

impl RelayerConfig {
    /// Read the file at `path` and apply the environment `env` and the flags `flags` over it
    /// (see the module docs for the precedence), then validate.
    pub fn load(
        path: &Path,
        env: impl IntoIterator<Item = (String, String)>,
        flags: &[Override],
    ) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        let base = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Self::from_layers(&text, base, &Origin::File(path.to_owned()), env, flags)
    }

    /// [`Self::load`] for TOML `text` whose relative paths are relative to `base`; `file` names
    /// it in errors.
    pub fn from_layers(
        text: &str,
        base: &Path,
        file: &Origin,
        env: impl IntoIterator<Item = (String, String)>,
        flags: &[Override],
    ) -> Result<Self, ConfigError> {
        let in_file = |e: ConfigError| e.at(file.clone());
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| in_file(ConfigError::Syntax(Box::new(e))))?;
        check_file(&mut table, base).map_err(in_file)?;
        let mut origins: BTreeMap<&'static str, Origin> = BTreeMap::new();

        let mut password = None;
        for (var, raw) in env {
            let Some(name) = var.strip_prefix(ENV_PREFIX) else { continue };
            if name == "KEYS_PASSWORD" {
                password = Some(Secret::new(raw));
                continue;
            }
            if NOT_SETTINGS.contains(&name) {
                continue;
            }
            let Some(f) = fields().find(|f| f.env_var() == var) else {
                return Err(ConfigError::UnknownEnv { var: var.clone(), known: known_vars(name) });
            };
            let origin = Origin::Env(var.clone());
            let value = f.parse(&raw).map_err(|reason| {
                ConfigError::Value { field: f.path.to_owned(), reason }.at(origin.clone())
            })?;
            set(&mut table, f, value);
            origins.insert(f.path, origin);
        }
        for o in flags {
            let origin = Origin::Flag(o.flag);
            let f = field(o.field).ok_or_else(|| {
                ConfigError::UnknownKey { key: o.field.to_owned() }.at(origin.clone())
            })?;
            let value = f.parse(&o.value).map_err(|reason| {
                ConfigError::Value { field: f.path.to_owned(), reason }.at(origin.clone())
            })?;
            set(&mut table, f, value);
            origins.insert(f.path, origin);
        }

        for f in fields().filter(|f| f.required) {
            if get(&table, f).is_none() {
                return Err(ConfigError::Missing {
                    field: f.path,
                    file: file.clone(),
                    var: f.env_var(),
                });
            }
        }
        let mut config: Self =
            toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
                in_file(ConfigError::Value { field: "config".into(), reason: e.message().into() })
            })?;
        config.keys.password = password;
        config.validate().map_err(|e| match &e {
            ConfigError::Invalid { field, .. } => match origins.get(field) {
                Some(origin) => e.at(origin.clone()),
                None => e.at(file.clone()),
            },
            _ => e,
        })?;
        Ok(config)
    }

    /// The checks a typo would otherwise turn into a confusing failure at run time.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let tao = self.tao.endpoints();
        let eth = self.eth.endpoints();
        if tao.is_empty() {
            return Err(ConfigError::Invalid {
                field: "tao.url",
                reason: "no tao-node endpoint: set tao.url (or tao.urls for several)".into(),
            });
        }
        if eth.is_empty() {
            return Err(ConfigError::Invalid {
                field: "eth.rpc_url",
                reason: "no EVM endpoint: set eth.rpc_url (or eth.rpc_urls for several)".into(),
            });
        }
        if let Some(u) = &self.tao.url {
            check_scheme("tao.url", u, &["ws", "wss"])?;
        }
        for u in &self.tao.urls {
            check_scheme("tao.urls", u, &["ws", "wss"])?;
        }
        if let Some(u) = &self.eth.rpc_url {
            check_scheme("eth.rpc_url", u, &["http", "https"])?;
        }
        for u in &self.eth.rpc_urls {
            check_scheme("eth.rpc_urls", u, &["http", "https"])?;
        }
        if self.eth.quorum == 0 || self.eth.quorum() > eth.len() {
            return Err(ConfigError::Invalid {
                field: "eth.quorum",
                reason: format!(
                    "{} with {} EVM endpoint(s): it must be between 1 and the number of endpoints \
                     (list them in eth.rpc_urls)",
                    self.eth.quorum,
                    eth.len()
                ),
            });
        }
        for (field, ms) in [
            ("tao.stale_after_ms", self.tao.stale_after_ms),
            ("eth.stale_after_ms", self.eth.stale_after_ms),
        ] {
            if ms == 0 {
                return Err(ConfigError::Invalid { field, reason: "must be positive".into() });
            }
        }
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
        if !self.tls.system_roots && self.tls.ca_file.is_none() {
            return Err(ConfigError::Invalid {
                field: "tls.system_roots",
                reason: "false without a `tls.ca_file` would trust no certificate at all; set \
                         ca_file to the CA that signs your endpoints' certificates"
                    .into(),
            });
        }
        Ok(())
    }
}

fn check_scheme(field: &'static str, url: &Url, schemes: &[&str]) -> Result<(), ConfigError> {
    if schemes.contains(&url.scheme()) {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        field,
        reason: format!("`{url}` must start with {}://", schemes.join(":// or ")),
    })
}

/// The variables of the section `name` seems to address, or all of them.
fn known_vars(name: &str) -> String {
    let all: Vec<String> = fields().map(Field::env_var).collect();
    let section = name.split('_').next().unwrap_or_default();
    let near: Vec<&String> =
        all.iter().filter(|v| v[ENV_PREFIX.len()..].starts_with(&format!("{section}_"))).collect();
    if near.is_empty() {
        all.join(", ")
    } else {
        near.into_iter().cloned().collect::<Vec<_>>().join(", ")
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

    fn file() -> Origin {
        Origin::File(PathBuf::from("/etc/wtao/relayer.toml"))
    }

    fn parse(text: &str, vars: &[(&str, &str)]) -> Result<RelayerConfig, ConfigError> {
        RelayerConfig::from_layers(text, Path::new("/etc/wtao"), &file(), env(vars), &[])
    }

    #[test]
    fn defaults_fill_in() {
        let c = parse(MINIMAL, &[]).unwrap();
        assert_eq!(c.eth.confirmations, 12);
        assert_eq!(c.tao.start_block, 1);
        assert_eq!(c.log.format, LogFormat::Text);
        assert_eq!(c.metrics.addr, Some("127.0.0.1:9615".parse().unwrap()));
        assert_eq!(c.tls, TlsConfig { ca_file: None, system_roots: true });
        assert_eq!(c.keys, KeysConfig::default());
    }

    #[test]
    fn every_leaf_is_listed() {
        // A config with every optional field set, serialized: its leaves must be exactly the
        // settable fields, so a new struct field cannot miss its environment variable.
        let mut c = parse(MINIMAL, &[]).unwrap();
        c.keys.dir = Some("k".into());
        c.keys.password_file = Some("p".into());
        c.tls.ca_file = Some("ca.pem".into());
        let table: toml::Table = toml::from_str(&toml::to_string(&c).unwrap()).unwrap();
        let mut leaves = Vec::new();
        for (k, v) in &table {
            match v.as_table() {
                Some(t) => leaves.extend(t.keys().map(|k2| format!("{k}.{k2}"))),
                None => leaves.push(k.clone()),
            }
        }
        leaves.sort();
        let mut listed: Vec<String> = fields().map(|f| f.path.to_owned()).collect();
        listed.sort();
        assert_eq!(leaves, listed);
    }

    #[test]
    fn env_values_are_parsed_as_their_field_type() {
        let c = parse(
            MINIMAL,
            &[
                ("WTAO_RELAYER_ETH_CONFIRMATIONS", "2"),
                ("WTAO_RELAYER_TAO_URL", "wss://10.0.0.1:9944"),
                ("WTAO_RELAYER_DATA_DIR", "/var/lib/r1"),
                ("WTAO_RELAYER_LOG_FORMAT", "json"),
                // Digits only, still a password: text, not the integer 123456.
                ("WTAO_RELAYER_KEYS_PASSWORD", "123456"),
                // A number-like path stays a path.
                ("WTAO_RELAYER_KEYS_DIR", "1234"),
                ("WTAO_RELAYER_TLS_SYSTEM_ROOTS", "false"),
                ("WTAO_RELAYER_TLS_CA_FILE", "ca.pem"),
                ("WTAO_RELAYER_DEV_ETH_KEY", "0x01"),
                ("WTAO_RELAYER_DEV_TAO_SURI", "//Bob"),
                ("WTAO_RELAYER_CRASH_AT", ""),
                ("WTAO_RELAYER_STORE_RETENTION_HOURS", "0"),
                ("UNRELATED", "x"),
            ],
        )
        .unwrap();
        assert_eq!(c.eth.confirmations, 2);
        assert_eq!(c.store.retention(), None, "0 keeps finished records forever");
        assert_eq!(StoreConfig::default().retention(), Some(Duration::from_secs(168 * 3600)));
        assert_eq!(c.tao.url.as_ref().map(Url::as_str), Some("wss://10.0.0.1:9944/"));
        assert_eq!(c.data_dir, PathBuf::from("/var/lib/r1"));
        assert_eq!(c.log.format, LogFormat::Json);
        assert_eq!(c.keys.password.as_ref().map(Secret::expose), Some("123456"));
        // Paths from the environment are the caller's, not joined to the file's folder.
        assert_eq!(c.keys.dir, Some(PathBuf::from("1234")));
        assert_eq!(c.tls, TlsConfig { ca_file: Some("ca.pem".into()), system_roots: false });
    }

    #[test]
    fn flags_override_env_which_overrides_the_file() {
        let text = format!("{MINIMAL}\n[metrics]\naddr = \"127.0.0.1:1\"\n");
        let flags = [Override {
            flag: "--metrics-addr",
            field: "metrics.addr",
            value: "127.0.0.1:3".into(),
        }];
        let vars = env(&[("WTAO_RELAYER_METRICS_ADDR", "127.0.0.1:2")]);
        let at = |vars: Vec<(String, String)>, flags: &[Override]| {
            RelayerConfig::from_layers(&text, Path::new("/"), &file(), vars, flags)
                .unwrap()
                .metrics
                .addr
        };
        assert_eq!(at(vec![], &[]), Some("127.0.0.1:1".parse().unwrap()));
        assert_eq!(at(vars.clone(), &[]), Some("127.0.0.1:2".parse().unwrap()));
        assert_eq!(at(vars, &flags), Some("127.0.0.1:3".parse().unwrap()));
        // Empty unsets: the endpoint is off.
        assert_eq!(at(env(&[("WTAO_RELAYER_METRICS_ADDR", "")]), &[]), None);
        let bad = [Override { flag: "--metrics-addr", field: "metrics.addr", value: "x".into() }];
        let err = RelayerConfig::from_layers(&text, Path::new("/"), &file(), vec![], &bad)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("flag --metrics-addr: invalid `metrics.addr`"), "{err}");
    }

    #[test]
    fn a_bad_env_value_names_the_variable_not_the_file() {
        let cases: [(&str, &str, &str); 7] = [
            ("WTAO_RELAYER_ETH_CONFIRMATIONS", "twelve", "eth.confirmations"),
            ("WTAO_RELAYER_ETH_CONFIRMATIONS", "-1", "eth.confirmations"),
            ("WTAO_RELAYER_ETH_CONFIRMATIONS", "0", "eth.confirmations"),
            ("WTAO_RELAYER_TAO_URL", "http://x:9944", "tao.url"),
            ("WTAO_RELAYER_ETH_RPC_URL", "not a url", "eth.rpc_url"),
            ("WTAO_RELAYER_ETH_BRIDGE", "0x0000000000000000000000000000000000000000", "eth.bridge"),
            ("WTAO_RELAYER_METRICS_ADDR", "localhost", "metrics.addr"),
        ];
        for (var, value, field) in cases {
            let err = parse(MINIMAL, &[(var, value)]).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("environment variable {var}:")),
                "{var}={value}: {err}"
            );
            assert!(err.contains(field), "{var}={value}: {err}");
            assert!(!err.contains("relayer.toml"), "{var}={value}: {err}");
        }
        // The same mistakes in the file name the file.
        let err = parse(&MINIMAL.replace("chain_id = 31337", "chain_id = \"x\""), &[])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/etc/wtao/relayer.toml: invalid `eth.chain_id`"), "{err}");
        let err = parse(&format!("{MINIMAL}confirmations = 0\n"), &[]).unwrap_err().to_string();
        assert!(err.starts_with("/etc/wtao/relayer.toml: invalid `eth.confirmations`"), "{err}");
    }

    #[test]
    fn unknown_keys_and_variables_are_refused_by_name() {
        let err = parse(&format!("{MINIMAL}\nconfirmation = 3\n"), &[]).unwrap_err().to_string();
        assert!(err.contains("eth.confirmation"), "{err}");
        let err = parse(MINIMAL, &[("WTAO_RELAYER_ETH_CONFIRMATOINS", "3")]).unwrap_err();
        let err = err.to_string();
        assert!(err.contains("WTAO_RELAYER_ETH_CONFIRMATOINS"), "{err}");
        assert!(err.contains("WTAO_RELAYER_ETH_CONFIRMATIONS"), "suggests the real ones: {err}");
        let err = parse(&MINIMAL.replace("[tao]", "tao = 1\n[x]"), &[]).unwrap_err().to_string();
        assert!(err.contains("`tao`"), "{err}");
    }

    #[test]
    fn a_password_in_the_file_is_refused() {
        let text = format!("{MINIMAL}\n[keys]\npassword = \"hunter2\"\n");
        let err = parse(&text, &[]).unwrap_err().to_string();
        assert!(err.contains("keys.password"), "{err}");
        assert!(
            err.contains("WTAO_RELAYER_KEYS_PASSWORD") && err.contains("password_file"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn missing_fields_say_where_to_set_them() {
        let err = parse(&MINIMAL.replace("bridge =", "# bridge ="), &[]).unwrap_err().to_string();
        assert!(err.contains("eth.bridge") && err.contains("WTAO_RELAYER_ETH_BRIDGE"), "{err}");
        // …and the environment may supply them.
        let c = parse(
            &MINIMAL.replace("bridge =", "# bridge ="),
            &[("WTAO_RELAYER_ETH_BRIDGE", "0x00000000000000000000000000000000000000bb")],
        )
        .unwrap();
        assert_eq!(c.eth.bridge, Address::with_last_byte(0xbb));
    }

    #[test]
    fn bad_toml_names_the_file_and_line() {
        let err = parse("data_dir = \"db\"\n[tao\nurl = 1\n", &[]).unwrap_err().to_string();
        assert!(err.starts_with("/etc/wtao/relayer.toml:"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn relative_paths_in_the_file_are_the_files() {
        let text = format!(
            "{MINIMAL}\n[keys]\ndir = \"keys/r1\"\npassword_file = \"/abs/r1.pw\"\n[tls]\nca_file = \"../ca.pem\"\n"
        );
        let c = parse(&text, &[]).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/etc/wtao/db"));
        assert_eq!(c.keys.dir, Some(PathBuf::from("/etc/wtao/keys/r1")));
        assert_eq!(c.keys.password_file, Some(PathBuf::from("/abs/r1.pw")));
        assert_eq!(c.tls.ca_file, Some(PathBuf::from("/etc/wtao/../ca.pem")));
    }

    #[test]
    fn round_trip() {
        let text = format!(
            "{MINIMAL}\n[keys]\ndir = \"k\"\n[tls]\nca_file = \"ca.pem\"\nsystem_roots = false\n[metrics]\n[log]\nformat = \"json\"\n"
        );
        let c = parse(&text, &[("WTAO_RELAYER_KEYS_PASSWORD", "pw")]).unwrap();
        assert_eq!(c.metrics.addr, None);
        let written = toml::to_string(&c).unwrap();
        assert!(!written.contains("password"), "{written}");
        let again = parse(&written, &[("WTAO_RELAYER_KEYS_PASSWORD", "pw")]).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = parse(MINIMAL, &[("WTAO_RELAYER_KEYS_PASSWORD", "correct horse battery")]).unwrap();
        for shown in [format!("{c:?}"), format!("{c:#?}"), format!("{:?}", c.keys)] {
            assert!(!shown.contains("correct horse"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }

    #[test]
    fn several_endpoints_and_a_quorum() {
        // The one-endpoint form alone.
        let c = parse(MINIMAL, &[]).unwrap();
        assert_eq!(c.eth.endpoints().len(), 1);
        assert_eq!(c.eth.quorum, 1);
        assert_eq!(c.tao.stale_after_ms, 60_000);
        // Lists in the file, the single key first, duplicates once.
        let text = MINIMAL
            .replace(
                "url = \"ws://127.0.0.1:9944\"",
                "urls = [\"ws://10.0.0.1:9944\", \"wss://10.0.0.2:443\"]",
            )
            .replace(
                "chain_id = 31337",
                "chain_id = 31337\nrpc_urls = [\"http://127.0.0.1:8545\", \"https://b\", \"https://c\"]\nquorum = 2\nstale_after_ms = 5000",
            );
        let c = parse(&text, &[]).unwrap();
        assert_eq!(c.tao.url, None);
        let tao: Vec<String> = c.tao.endpoints().iter().map(Url::to_string).collect();
        assert_eq!(tao, ["ws://10.0.0.1:9944/", "wss://10.0.0.2/"]);
        let eth: Vec<String> = c.eth.endpoints().iter().map(Url::to_string).collect();
        assert_eq!(eth, ["http://127.0.0.1:8545/", "https://b/", "https://c/"]);
        assert_eq!((c.eth.quorum(), c.eth.stale_after_ms), (2, 5000));
        // The environment: a comma-separated list.
        let c = parse(
            MINIMAL,
            &[
                ("WTAO_RELAYER_ETH_RPC_URLS", "http://a:1, http://b:2"),
                ("WTAO_RELAYER_ETH_QUORUM", "3"),
                ("WTAO_RELAYER_TAO_URLS", "ws://x:1"),
            ],
        )
        .unwrap();
        assert_eq!(c.eth.endpoints().len(), 3);
        assert_eq!(c.eth.quorum(), 3);
        assert_eq!(c.tao.endpoints().len(), 2);
        // Errors name the variable.
        let err = parse(MINIMAL, &[("WTAO_RELAYER_ETH_QUORUM", "2")]).unwrap_err().to_string();
        assert!(err.starts_with("environment variable WTAO_RELAYER_ETH_QUORUM:"), "{err}");
        assert!(err.contains("eth.quorum") && err.contains("1 EVM endpoint"), "{err}");
        let err =
            parse(MINIMAL, &[("WTAO_RELAYER_ETH_RPC_URLS", "ws://a:1")]).unwrap_err().to_string();
        assert!(err.starts_with("environment variable WTAO_RELAYER_ETH_RPC_URLS:"), "{err}");
        let err = parse(MINIMAL, &[("WTAO_RELAYER_TAO_STALE_AFTER_MS", "0")]).unwrap_err();
        assert!(err.to_string().contains("tao.stale_after_ms"), "{err}");
        // No endpoint at all.
        let err = parse(&MINIMAL.replace("rpc_url =", "# rpc_url ="), &[]).unwrap_err().to_string();
        assert!(err.contains("eth.rpc_url") && err.contains("eth.rpc_urls"), "{err}");
    }

    #[test]
    fn trusting_nothing_is_refused() {
        let err = parse(MINIMAL, &[("WTAO_RELAYER_TLS_SYSTEM_ROOTS", "false")]).unwrap_err();
        assert!(err.to_string().contains("tls.ca_file"), "{err}");
    }
}
