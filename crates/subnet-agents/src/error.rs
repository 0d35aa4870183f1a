//! The crate's errors.

use std::net::SocketAddr;

/// Why a miner or validator stopped, or one step of it failed.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// A chain call failed (connection lost, node restarting, a refused transaction). The loops
    /// reconnect and carry on after this one.
    #[error(transparent)]
    Chain(#[from] tao_client::TaoClientError),
    /// The subnet's tempo is too short for a commit window and a sample block before the next
    /// epoch.
    #[error(
        "subnet {netuid} has a tempo of {tempo} blocks; the subnet task needs at least {min} \
         (a commit window, a sample block and time to set weights)"
    )]
    TempoTooShort {
        /// The subnet.
        netuid: u16,
        /// Its tempo.
        tempo: u16,
        /// The least tempo the schedule supports.
        min: u16,
    },
    /// The agent's hotkey has no uid on the subnet.
    #[error(
        "hotkey {hotkey} is not registered on subnet {netuid}: `wtao subnet register --netuid \
         {netuid} --hotkey {hotkey}` first"
    )]
    NotRegistered {
        /// The subnet.
        netuid: u16,
        /// The hotkey (SS58).
        hotkey: String,
    },
    /// The subnet does not exist.
    #[error("there is no subnet {netuid} (`wtao subnet list`)")]
    NoSubnet {
        /// The subnet.
        netuid: u16,
    },
    /// The proof server could not listen.
    #[error("could not listen for proof requests on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The address to announce cannot be reached by validators.
    #[error(
        "cannot announce {addr}: the chain refuses 127.0.0.1 and unspecified addresses; pass \
         --announce IP:PORT (on one machine, listen and announce on 127.0.0.2)"
    )]
    BadAnnounce {
        /// The address.
        addr: SocketAddr,
    },
    /// A tile engine failed.
    #[error(transparent)]
    Engine(#[from] wtao_scoring::EngineError),
    /// The challenge parameters are invalid.
    #[error(transparent)]
    Params(#[from] wtao_scoring::ParamsError),
    /// Building the Merkle tree failed.
    #[error(transparent)]
    Merkle(#[from] wtao_scoring::MerkleError),
    /// Converting scores to weights failed.
    #[error(transparent)]
    Weights(#[from] wtao_scoring::WeightsError),
}

/// Why fetching a miner's proofs failed (the miner then scores 0).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No answer within the timeout.
    #[error("no answer from {addr} within {timeout_ms} ms")]
    Timeout {
        /// The miner's axon.
        addr: SocketAddr,
        /// The timeout.
        timeout_ms: u64,
    },
    /// Connecting, writing or reading failed.
    #[error("talking to {addr}: {source}")]
    Io {
        /// The miner's axon.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The answer was not HTTP 200.
    #[error("{addr} answered HTTP {status}: {body}")]
    Status {
        /// The miner's axon.
        addr: SocketAddr,
        /// The status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The answer was not the expected JSON, or too large.
    #[error("{addr} sent an unreadable answer: {reason}")]
    BadResponse {
        /// The miner's axon.
        addr: SocketAddr,
        /// What was wrong.
        reason: String,
    },
}
