//! What subnet agents (miners, validators) publish and read besides weights: commitments
//! (`Commitments.set_commitment`, `CommitmentOf`), axons (`serve_axon`, `Axons`), and the chain
//! facts an epoch schedule is computed from (tempo, `LastEpochBlock`, block hashes).
//!
//! ```text
//!  miner      commit_raw(netuid, bytes) ─► CommitmentOf[netuid][hotkey] = {block, Raw<len>}
//!             serve_axon(netuid, ip, port)  ─► Axons[netuid][hotkey]
//!  validator  commitment(netuid, hotkey, at) · axon(netuid, hotkey) · block_hash(n) · epoch_info
//! ```
//!
//! A commitment is one `Raw<len>` field (at most 128 bytes), as the bittensor SDK's
//! `set_commitment`/`commit` publishes a string: the SDK's metagraph reads it back as UTF-8 when
//! it is, else as `0x`-hex of the bytes.

mod raw;

use crate::subnet::subnet_item;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use subxt::PolkadotConfig;
use subxt::tx::Signer;

use crate::api;
use crate::api::runtime_types::bounded_collections::bounded_vec::BoundedVec;
use crate::api::runtime_types::tao_node::runtime::commitments::types::CommitmentInfo;
use crate::error::{Result, TaoClientError};
use crate::{AccountId32, H256, TaoClient, TxReceipt};

/// Largest commitment [`TaoClient::commit_raw`] publishes (one `Raw128` field).
pub const MAX_RAW_COMMITMENT_BYTES: usize = 128;

/// A hotkey's current commitment on a subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawCommitment {
    /// Block of the `set_commitment` that stored it.
    pub block: u64,
    /// The bytes of its `Raw*` fields, concatenated (as the SDK reads them); empty when it has
    /// none.
    pub bytes: Vec<u8>,
}

/// Where a neuron serves (`Axons`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AxonEndpoint {
    /// Address (IPv4 or IPv6, from `ip` and `ip_type`).
    pub ip: IpAddr,
    /// Port.
    pub port: u16,
    /// Protocol byte (opaque to the chain).
    pub protocol: u8,
    /// Block of the last `serve_axon`.
    pub block: u64,
}

/// A subnet's epoch schedule as the chain holds it at one block.
///
/// tao-node runs `netuid`'s epoch in the first block `b` with `b − last_epoch_block ≥ tempo`
/// (or earlier when triggered) and then sets `last_epoch_block = b`: so the current window of
/// the subnet opened at `last_epoch_block` and the next epoch is due at
/// `last_epoch_block + tempo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochInfo {
    /// The block these values were read at (the finalized head, unless asked otherwise).
    pub block: u64,
    /// `Tempo` in blocks (0: epochs are off).
    pub tempo: u16,
    /// `LastEpochBlock`: the block the current window opened at.
    pub last_epoch_block: u64,
    /// `SubnetEpochIndex`: epochs run so far.
    pub epoch_index: u64,
}

impl TaoClient {
    /// `Commitments.set_commitment(netuid, {fields: [Raw<len>(bytes)]})` signed by the hotkey
    /// (which must be registered on `netuid`). Free of fees, as in subtensor; each call counts at
    /// least 100 bytes against the hotkey's `MaxSpace` per subnet epoch.
    pub async fn commit_raw<S: Signer<PolkadotConfig>>(
        &self,
        hotkey: &S,
        netuid: u16,
        bytes: &[u8],
    ) -> Result<TxReceipt> {
        let data = raw::raw_data(bytes).ok_or(TaoClientError::TooLarge {
            what: "a commitment",
            len: bytes.len(),
            max: MAX_RAW_COMMITMENT_BYTES,
        })?;
        let info = CommitmentInfo { fields: BoundedVec(vec![data]) };
        let call = api::transactions().commitments().set_commitment(netuid, info);
        Ok(self.submit("Commitments.set_commitment", &call, hotkey).await?.1)
    }

    /// `hotkey`'s commitment on `netuid` at block `at` (the finalized head when `None`).
    pub async fn commitment(
        &self,
        netuid: u16,
        hotkey: &AccountId32,
        at: Option<u64>,
    ) -> Result<Option<RawCommitment>> {
        let at = self.at(at).await?;
        let value = at
            .storage()
            .try_fetch(api::storage().commitments().commitment_of(), (netuid, *hotkey))
            .await
            .map_err(TaoClientError::subxt("reading Commitments.CommitmentOf"))?;
        let Some(value) = value else { return Ok(None) };
        let reg =
            value.decode().map_err(TaoClientError::subxt("decoding Commitments.CommitmentOf"))?;
        let bytes = reg.info.fields.0.iter().filter_map(raw::raw_bytes).flatten().collect();
        Ok(Some(RawCommitment { block: u64::from(reg.block), bytes }))
    }

    /// `hotkey`'s axon on `netuid` (`None` when it never served one).
    pub async fn axon(&self, netuid: u16, hotkey: &AccountId32) -> Result<Option<AxonEndpoint>> {
        let at = self.at(None).await?;
        let value = at
            .storage()
            .try_fetch(api::storage().subtensor_module().axons(), (netuid, *hotkey))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.Axons"))?;
        let Some(value) = value else { return Ok(None) };
        let a = value.decode().map_err(TaoClientError::subxt("decoding SubtensorModule.Axons"))?;
        let ip = match a.ip_type {
            6 => IpAddr::V6(Ipv6Addr::from(a.ip)),
            _ => IpAddr::V4(Ipv4Addr::from(u32::try_from(a.ip).unwrap_or_default())),
        };
        Ok(Some(AxonEndpoint { ip, port: a.port, protocol: a.protocol, block: a.block }))
    }

    /// The hash of finalized block `number` (`None` above the finalized head).
    pub async fn block_hash(&self, number: u64) -> Result<Option<H256>> {
        if number > self.finalized_number().await? {
            return Ok(None);
        }
        Ok(Some(self.at(Some(number)).await?.block_hash()))
    }

    /// `netuid`'s [`EpochInfo`] at the finalized head.
    pub async fn epoch_info(&self, netuid: u16) -> Result<EpochInfo> {
        let at = self.at(None).await?;
        Ok(EpochInfo {
            block: at.block_number(),
            tempo: subnet_item!(at, netuid, tempo, "Tempo"),
            last_epoch_block: subnet_item!(at, netuid, last_epoch_block, "LastEpochBlock"),
            epoch_index: subnet_item!(at, netuid, subnet_epoch_index, "SubnetEpochIndex"),
        })
    }

    /// The chain at block `number`, or at the finalized head.
    async fn at(
        &self,
        number: Option<u64>,
    ) -> Result<subxt::client::OnlineClientAtBlock<PolkadotConfig>> {
        match number {
            Some(n) => self.subxt().at_block(n).await,
            None => self.subxt().at_current_block().await,
        }
        .map_err(TaoClientError::subxt("at block"))
    }
}
