//! Errors of the relayer library. The binary wraps them in `eyre` with what it was doing.

use std::path::PathBuf;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML, or a field has the wrong type or an unknown name.
    #[error(transparent)]
    Toml(Box<toml::de::Error>),
    /// A value is out of range or malformed.
    #[error("invalid `{field}`: {reason}")]
    Invalid {
        /// Dotted path of the field, e.g. `eth.confirmations`.
        field: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Any of the above, in a file.
    #[error("in {}", path.display())]
    InFile {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: Box<ConfigError>,
    },
}

impl ConfigError {
    pub(crate) fn in_file(self, path: &std::path::Path) -> Self {
        Self::InFile { path: path.to_owned(), source: Box::new(self) }
    }
}

/// Keystore problems.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No keystore configured and no dev key given.
    #[error(
        "no keys: set [keys] dir in the config (create one with `wtao-relayer keys new --dir …`), or run with --dev and WTAO_RELAYER_DEV_ETH_KEY / WTAO_RELAYER_DEV_TAO_SURI"
    )]
    NotConfigured,
    /// A dev key variable was set without `--dev`.
    #[error("{var} is only honoured with --dev: production keys live in an encrypted keystore")]
    EnvKeyWithoutDev {
        /// The variable.
        var: &'static str,
    },
    /// No password available for the keystore.
    #[error(
        "the keystore needs a password: set [keys] password_file or WTAO_RELAYER_KEYS_PASSWORD"
    )]
    NoPassword,
    /// A keystore file is missing.
    #[error("keystore file {} is missing (create keys with `wtao-relayer keys new`)", path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The keystore exists already (refusing to overwrite keys).
    #[error("{} already exists; refusing to overwrite a key", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Decryption failed (wrong password or damaged file).
    #[error("cannot decrypt {}: {reason} (wrong password?)", path.display())]
    Decrypt {
        /// The file.
        path: PathBuf,
        /// The keystore library's reason.
        reason: String,
    },
    /// A key given by hand is malformed.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// Which key.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// File I/O.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// The relayer's database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed.
    #[error("relayer database: {0}")]
    Sled(#[from] sled::Error),
    /// A stored record does not decode (written by an incompatible version?).
    #[error("relayer database record {key} is corrupt: {reason}")]
    Corrupt {
        /// Key of the record.
        key: String,
        /// Decoder's reason.
        reason: String,
    },
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(e) => e,
            sled::transaction::TransactionError::Storage(e) => Self::Sled(e),
        }
    }
}

/// What can stop a relayer step. Transient ones ([`RelayerError::is_transient`]) are retried with
/// backoff; the relayer never exits on them.
#[derive(Debug, thiserror::Error)]
pub enum RelayerError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// tao-node said no, or could not be reached.
    #[error(transparent)]
    Tao(#[from] tao_client::TaoClientError),
    /// The EVM endpoint failed or a call reverted unexpectedly.
    #[error("EVM RPC failed while {context}: {reason}")]
    Eth {
        /// What the relayer was doing.
        context: &'static str,
        /// The RPC's reason.
        reason: String,
    },
    /// Signing a batch failed.
    #[error(transparent)]
    Signing(#[from] wtao_bridge_types::BridgeTypesError),
    /// The environment does not fit the configuration (chain id, domain, relayer set).
    #[error("{0}")]
    Setup(String),
}

impl RelayerError {
    /// Network and node hiccups: retry. Setup and database errors need an operator.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Tao(_) | Self::Eth { .. })
    }
}
