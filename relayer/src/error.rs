//! Errors of the relayer library. The binary wraps them in `eyre` with what it was doing.

use std::path::PathBuf;

/// Where a configuration value came from: errors name it, so a bad environment variable is not
/// blamed on the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The config file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(&'static str),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Env(var) => write!(f, "environment variable {var}"),
            Self::Flag(flag) => write!(f, "flag {flag}"),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Not valid TOML.
    #[error("{0}")]
    Syntax(Box<toml::de::Error>),
    /// A key that is no setting.
    #[error("unknown key `{key}` (see the settings in the README's wtao-relayer section)")]
    UnknownKey {
        /// Dotted path, e.g. `eth.confirmation`.
        key: String,
    },
    /// A `WTAO_RELAYER_*` variable that is no setting.
    #[error("{var} is not a relayer setting; the settings here are {known}")]
    UnknownEnv {
        /// The variable.
        var: String,
        /// The variables of the section it seems to address.
        known: String,
    },
    /// A secret written in the config file.
    #[error(
        "`{key}` is not read from the config file, so the password never sits next to the \
         settings in clear: put it in a file of its own named by `keys.password_file` (mode 0600), \
         or in WTAO_RELAYER_KEYS_PASSWORD, or type it when asked"
    )]
    SecretInFile {
        /// The key.
        key: &'static str,
    },
    /// A value of the wrong type.
    #[error("invalid `{field}`: {reason}")]
    Value {
        /// Dotted path of the field.
        field: String,
        /// What the field's type says.
        reason: String,
    },
    /// A required field is set nowhere.
    #[error("`{field}` is not set: add it to {file} or set {var}")]
    Missing {
        /// Dotted path of the field.
        field: &'static str,
        /// The config file.
        file: Origin,
        /// Its environment variable.
        var: String,
    },
    /// A value is out of range or malformed.
    #[error("invalid `{field}`: {reason}")]
    Invalid {
        /// Dotted path of the field, e.g. `eth.confirmations`.
        field: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// Any of the above, in a value from `origin`.
    #[error("{origin}: {error}")]
    At {
        /// The file, variable or flag.
        origin: Origin,
        /// What is wrong.
        error: Box<ConfigError>,
    },
}

impl ConfigError {
    pub(crate) fn at(self, origin: Origin) -> Self {
        Self::At { origin, error: Box::new(self) }
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
        "the keystore needs a password: set keys.password_file (--password-file for `keys`), or \
         WTAO_RELAYER_KEYS_PASSWORD, or run it on a terminal to be asked"
    )]
    NoPassword,
    /// The password is the empty string.
    #[error("the keystore password from {from} is empty; an empty password protects nothing")]
    EmptyPassword {
        /// Where it came from (a variable, a file, the prompt).
        from: String,
    },
    /// The two typed passwords differ.
    #[error("the two passwords differ; nothing was written")]
    PasswordMismatch,
    /// `keys.password_file` names a file that does not exist.
    #[error(
        "password file {} does not exist; `wtao-relayer keys new --password-file {}` creates \
         it with a random password along with new keys",
        path.display(),
        path.display()
    )]
    PasswordFileMissing {
        /// The file.
        path: PathBuf,
    },
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

/// TLS settings that cannot be used, or a handshake that failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `tls.ca_file` is unreadable or holds no usable certificate.
    #[error("cannot use tls.ca_file {}: {reason}", path.display())]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// rustls refused the settings.
    #[error("TLS settings: {0}")]
    Rustls(#[source] rustls::Error),
    /// A TLS endpoint, but no root certificate to check it against.
    #[error(
        "{url} needs TLS, but no root certificate is trusted: the system's store is empty or \
         unreadable (install the ca-certificates package) and tls.ca_file is not set"
    )]
    NoRoots {
        /// The endpoint.
        url: String,
    },
    /// A URL the HTTP client cannot use.
    #[error("cannot use {url}: {reason}")]
    Url {
        /// The endpoint.
        url: String,
        /// Why.
        reason: String,
    },
    /// The TLS handshake with an endpoint failed.
    #[error("TLS with {url} failed: {failure}")]
    Handshake {
        /// The endpoint.
        url: String,
        /// What went wrong, and what to do.
        failure: crate::tls::TlsFailure,
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
    /// TLS settings or a handshake.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The environment does not fit the configuration (chain id, domain, relayer set).
    #[error("{0}")]
    Setup(String),
    /// The tao-node endpoint in use delivered no finalized block for too long.
    #[error("no finalized block from {url} for {secs} s (tao.stale_after_ms)")]
    TaoStale {
        /// The endpoint.
        url: String,
        /// How long it has been silent.
        secs: u64,
    },
}

impl RelayerError {
    /// Network and node hiccups: retry. Setup and database errors need an operator.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Tao(_) | Self::Eth { .. } | Self::TaoStale { .. })
    }
}
