//! The one error type of the crate.

use crate::api;

/// The Bridge pallet's errors, decoded from the metadata: what a relayer matches on to tell a
/// permanent refusal (`NotRelayer`, `AlreadyApproved`, …) from one worth retrying
/// (`RateLimited`, …).
pub type BridgeError = api::runtime_types::tao_node::runtime::bridge::Error;

/// What went wrong talking to tao-node.
///
/// A transaction that was included but failed with a Bridge error is [`TaoClientError::Bridge`]
/// with the error decoded into [`BridgeError`], so callers match on an enum; any other pallet's
/// error is [`TaoClientError::Dispatch`] with the pallet and error names from the metadata (e.g.
/// `Balances` / `ExistentialDeposit`). [`TaoClientError::module_error`] names both alike.
/// Everything else (connection, RPC, decoding) keeps subxt's error as its source.
#[derive(Debug, thiserror::Error)]
pub enum TaoClientError {
    /// The initial connection or metadata download failed.
    #[error("could not connect to tao-node at {url} (is it running? `tao-node --dev`): {source}")]
    Connect {
        /// The URL tried.
        url: String,
        /// subxt's reason.
        #[source]
        source: Box<subxt::Error>,
    },
    /// The WebSocket (TCP, TLS or HTTP upgrade) to tao-node could not be opened.
    #[error("could not open a WebSocket to tao-node at {url}: {source}")]
    Handshake {
        /// The URL tried.
        url: String,
        /// The I/O error (with rustls's reason inside for a TLS failure) or jsonrpsee's.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An RPC, subscription or decoding step failed.
    #[error("tao-node request failed while {context}: {source}")]
    Subxt {
        /// What the client was doing.
        context: &'static str,
        /// subxt's reason.
        #[source]
        source: Box<subxt::Error>,
    },
    /// The transaction was included in a finalized block but its call failed (fee and nonce are
    /// still spent). `pallet`/`error` name the runtime's error variant.
    #[error("{call} failed on chain: {pallet}.{error}")]
    Dispatch {
        /// The call that failed, e.g. `Bridge.attest`.
        call: &'static str,
        /// Pallet of the error, e.g. `Bridge`.
        pallet: String,
        /// Error variant, e.g. `UnknownSigner`.
        error: String,
    },
    /// The transaction was included in a finalized block but the Bridge pallet refused the call.
    #[error("{call} failed on chain: Bridge.{name}")]
    Bridge {
        /// The call that failed, e.g. `Bridge.approve_release`.
        call: &'static str,
        /// The decoded error.
        error: BridgeError,
        /// Its variant name in the metadata, e.g. `NotRelayer`.
        name: String,
    },
    /// The call failed with a non-module dispatch error (bad origin, arithmetic, token …).
    #[error("{call} failed on chain: {reason}")]
    DispatchOther {
        /// The call that failed.
        call: &'static str,
        /// The dispatch error, as subxt renders it.
        reason: String,
    },
    /// A sudo-wrapped call ran but its inner call failed (`Sudo.Sudid` carried an error).
    #[error("sudo({call}) ran but the inner call failed: {reason}")]
    SudoFailed {
        /// The wrapped call.
        call: &'static str,
        /// The inner dispatch error.
        reason: String,
    },
    /// A value is too large for the call (checked before signing).
    #[error("{what} may hold at most {max} bytes, this one has {len}")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The most allowed.
        max: usize,
    },
    /// The transaction succeeded but the event it must emit was not found: the node and this
    /// client disagree (regenerate `metadata/tao-node.scale`, see the crate docs).
    #[error(
        "{call} succeeded but emitted no {event} event (node and client metadata out of sync?)"
    )]
    MissingEvent {
        /// The call.
        call: &'static str,
        /// The expected event.
        event: &'static str,
    },
}

impl TaoClientError {
    /// Wrap a subxt error with what the client was doing.
    pub(crate) fn subxt<E: Into<subxt::Error>>(context: &'static str) -> impl FnOnce(E) -> Self {
        move |e| Self::Subxt { context, source: Box::new(e.into()) }
    }

    /// A failed call's error: a Bridge error decoded into [`BridgeError`] (through the
    /// metadata's outer error enum), any other pallet's by its names.
    pub(crate) fn dispatch(call: &'static str, e: subxt::error::DispatchError) -> Self {
        if let subxt::error::DispatchError::Module(m) = &e
            && let Ok(d) = m.details()
        {
            let pallet = d.pallet.name().to_owned();
            let name = d.variant.name.clone();
            if let Ok(api::Error::Bridge(error)) = m.as_root_error::<api::Error>() {
                return Self::Bridge { call, error, name };
            }
            return Self::Dispatch { call, pallet, error: name };
        }
        Self::DispatchOther { call, reason: e.to_string() }
    }

    /// `(pallet, error)` when this is a module error of a failed call.
    pub fn module_error(&self) -> Option<(&str, &str)> {
        match self {
            Self::Dispatch { pallet, error, .. } => Some((pallet, error)),
            Self::Bridge { name, .. } => Some(("Bridge", name)),
            _ => None,
        }
    }

    /// The decoded Bridge error when the Bridge pallet refused the call.
    pub fn bridge_error(&self) -> Option<&BridgeError> {
        match self {
            Self::Bridge { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Result with [`TaoClientError`].
pub type Result<T, E = TaoClientError> = std::result::Result<T, E>;
