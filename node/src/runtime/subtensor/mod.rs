//! SubtensorModule (index 7) and AdminUtils (index 19): subnets, registration, stake, weights,
//! halving emission and Yuma Consensus at every tempo, with subtensor's names for calls, call
//! indices, arguments, storage items, events and errors, so Bittensor's clients can use the
//! chain unmodified.
//!
//! ```text
//!  every block (on_initialize = coinbase::block_step)
//!    registration prices decay ─► emission E = halving(TotalIssuance) ─► split across subnets
//!    per subnet: 18 % owner cut, ½ rest miners, ½ rest validators ─► Pending* (accumulates)
//!    due subnets (tempo, trigger, ≤ MaxEpochsPerBlock) ─► epoch::run: storage ─► yuma::epoch
//!        ─► Consensus/Incentive/Dividends/Bonds/… ─► incentive + dividends + owner cut ─► stake
//!  extrinsics: register_network · burned_register · serve_axon · add_stake · remove_stake ·
//!              set_weights · set_tempo · trigger_epoch · AdminUtils.sudo_set_*
//!  every block end (on_finalize): TotalIssuance := Σ ledgers
//! ```
//!
//! One file per concern, as subtensor: [`subnets`] (register_network, ownership, identities),
//! [`registration`] (burned_register, uids, pruning, registration price), [`serving`] (axons),
//! [`staking`] (the stake ledger), [`weights`] (set_weights), [`tempo`] (set_tempo,
//! trigger_epoch), [`epoch`] (storage ↔ `yuma::epoch`), [`coinbase`] (halving emission, split,
//! epoch scheduling, payout), [`hyperparameters`] (defaults), [`admin_utils`] (the sudo and
//! owner setters, in the AdminUtils pallet where subtensor has them).
//!
//! **What differs from subtensor** (also in the README's tao-node section):
//! * Stake is TAO. There is no alpha token and no AMM pool: every subnet is "stable"
//!   (`SubnetMechanism` 0), one alpha = one TAO, stake and unstake are 1:1 without fees, and
//!   clients that ask for alpha or prices get the TAO amount and a price of 1.
//! * Emission: each block mints `halving(TotalIssuance)` TAO and splits it across subnets in
//!   proportion to `SubnetEmissionShare` (tao-node's own; equal by default, set by sudo)
//!   instead of subtensor's TAO-flow shares. Root (netuid 0) receives nothing and runs no epoch.
//! * Left out: commit-reveal (always off; enabling it is refused), child keys and inherited
//!   stake, delegate and child-key takes (all dividends go pro rata to a hotkey's stakers), root
//!   weights, root stake weighting (`TaoWeight`) and root dividends / claims, proof-of-work
//!   registration and the faucet, hotkey/coldkey swaps, subnet dissolution, pruning and leases,
//!   stake moves/transfers/limits, locks, multiple mechanisms, bond resets on commitments,
//!   voting power, EVM key association.
//!
//! **Accounting** (checked after every block by the property test in `tests/accounting.rs`),
//! to the rao:
//!
//! ```text
//! TotalIssuance = Σ_accounts (free + reserved)        (the bridge custody account included)
//!               + TotalStake
//!               + Σ_netuid SubnetLocked
//!               + Σ_netuid (PendingServerEmission + PendingValidatorEmission
//!                           + PendingOwnerCut + PendingRootAlphaDivs)
//! ```
//!
//! Emission mints into the pending terms; an epoch moves pending into stake and burns what
//! Yuma's rounding leaves undistributed (and the incentive of the owner's own hotkeys, as
//! subtensor); registration burns and fees leave the system; stake and locks move between
//! `free` and their ledgers without changing the total.

pub mod admin_utils;
pub mod coinbase;
pub mod epoch;
pub mod errors;
pub mod events;
#[cfg(any(test, feature = "test-utils"))]
pub mod fixtures;
pub mod genesis;
pub mod hyperparameters;
pub mod registration;
pub mod runtime_api;
pub mod serving;
pub mod staking;
pub mod storage;
pub mod subnets;
pub mod tempo;
pub mod types;
pub mod weights;

#[cfg(test)]
mod tests;

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::primitives::{AccountId32, Balance};

use super::{DispatchResult, Ext, Origin};

pub use errors::Error;
pub use events::Event;
pub use types::{AxonInfo, NetUid, PrometheusInfo, SubnetIdentityV3};

/// SubtensorModule calls, with subtensor's call indices and argument names.
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Set the signer hotkey's weights on `dests` of `netuid`.
    #[codec(index = 0)]
    set_weights {
        /// Subnet.
        netuid: NetUid,
        /// uids weighted.
        dests: Vec<u16>,
        /// Their weights (max-upscaled to 65 535 before storing).
        weights: Vec<u16>,
        /// Validator version; must be ≥ `WeightsVersionKey` when that is set.
        version_key: u64,
    },
    /// Stake `amount_staked` rao of the signer coldkey's free balance on `hotkey` in `netuid`.
    #[codec(index = 2)]
    add_stake {
        /// Hotkey to stake to (must be registered somewhere, i.e. have an owner).
        hotkey: AccountId32,
        /// Subnet.
        netuid: NetUid,
        /// TAO (rao).
        amount_staked: Balance,
    },
    /// Unstake `amount_unstaked` (alpha = TAO rao here) back to the signer coldkey.
    #[codec(index = 3)]
    remove_stake {
        /// Hotkey staked to.
        hotkey: AccountId32,
        /// Subnet.
        netuid: NetUid,
        /// Amount (rao); more than staked unstakes everything.
        amount_unstaked: Balance,
    },
    /// Publish the signer hotkey's axon endpoint on `netuid`.
    #[codec(index = 4)]
    serve_axon {
        /// Subnet.
        netuid: NetUid,
        /// Axon version.
        version: u32,
        /// IP as an integer.
        ip: u128,
        /// Port (non-zero).
        port: u16,
        /// 4 or 6.
        ip_type: u8,
        /// Protocol.
        protocol: u8,
        /// Reserved.
        placeholder1: u8,
        /// Reserved.
        placeholder2: u8,
    },
    /// Publish the signer hotkey's Prometheus endpoint on `netuid`.
    #[codec(index = 5)]
    serve_prometheus {
        /// Subnet.
        netuid: NetUid,
        /// Version.
        version: u32,
        /// IP as an integer.
        ip: u128,
        /// Port (non-zero).
        port: u16,
        /// 4 or 6.
        ip_type: u8,
    },
    /// Register `hotkey` on `netuid`, burning the current registration price from the signer
    /// coldkey.
    #[codec(index = 7)]
    burned_register {
        /// Subnet.
        netuid: NetUid,
        /// Hotkey to register.
        hotkey: AccountId32,
    },
    /// Register a new subnet owned by the signer coldkey, locking the current lock cost.
    #[codec(index = 59)]
    register_network {
        /// The owner hotkey (registered as uid 0, never pruned).
        hotkey: AccountId32,
    },
    /// Owner: set the subnet's published identity.
    #[codec(index = 78)]
    set_subnet_identity {
        /// Subnet.
        netuid: NetUid,
        /// Name.
        subnet_name: Vec<u8>,
        /// Repository.
        github_repo: Vec<u8>,
        /// Contact.
        subnet_contact: Vec<u8>,
        /// Web site.
        subnet_url: Vec<u8>,
        /// Discord.
        discord: Vec<u8>,
        /// Description.
        description: Vec<u8>,
        /// Logo.
        logo_url: Vec<u8>,
        /// Anything else.
        additional: Vec<u8>,
    },
    /// `register_network` with an identity.
    #[codec(index = 79)]
    register_network_with_identity {
        /// The owner hotkey.
        hotkey: AccountId32,
        /// Identity to publish.
        identity: Option<SubnetIdentityV3>,
    },
    /// Owner: set the tempo (360 ..= 50 400 blocks); the epoch cycle restarts now.
    #[codec(index = 139)]
    set_tempo {
        /// Subnet.
        netuid: NetUid,
        /// Blocks between epochs.
        tempo: u16,
    },
    /// Owner or root: set the activity cutoff in per mille of tempo (1 000 ..= 50 000).
    #[codec(index = 140)]
    set_activity_cutoff_factor {
        /// Subnet.
        netuid: NetUid,
        /// Per mille of tempo.
        factor_milli: u32,
    },
    /// Owner: run the subnet's epoch `AdminFreezeWindow` blocks from now.
    #[codec(index = 141)]
    trigger_epoch {
        /// Subnet.
        netuid: NetUid,
    },
}

impl From<Call> for super::RuntimeCall {
    fn from(c: Call) -> Self {
        Self::SubtensorModule(c)
    }
}

/// Dispatch a SubtensorModule call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    match call {
        Call::set_weights { netuid, dests, weights, version_key } => {
            weights::do_set_weights(ext, origin, netuid, &dests, &weights, version_key)
        }
        Call::add_stake { hotkey, netuid, amount_staked } => {
            staking::do_add_stake(ext, origin, &hotkey, netuid, amount_staked)
        }
        Call::remove_stake { hotkey, netuid, amount_unstaked } => {
            staking::do_remove_stake(ext, origin, &hotkey, netuid, amount_unstaked)
        }
        Call::serve_axon {
            netuid,
            version,
            ip,
            port,
            ip_type,
            protocol,
            placeholder1,
            placeholder2,
        } => serving::do_serve_axon(
            ext,
            origin,
            netuid,
            AxonInfo { block: 0, version, ip, port, ip_type, protocol, placeholder1, placeholder2 },
        ),
        Call::serve_prometheus { netuid, version, ip, port, ip_type } => {
            serving::do_serve_prometheus(
                ext,
                origin,
                netuid,
                PrometheusInfo { block: 0, version, ip, port, ip_type },
            )
        }
        Call::burned_register { netuid, hotkey } => {
            registration::do_burned_register(ext, origin, netuid, &hotkey)
        }
        Call::register_network { hotkey } => {
            subnets::do_register_network(ext, origin, &hotkey, None)
        }
        Call::register_network_with_identity { hotkey, identity } => {
            subnets::do_register_network(ext, origin, &hotkey, identity)
        }
        Call::set_subnet_identity {
            netuid,
            subnet_name,
            github_repo,
            subnet_contact,
            subnet_url,
            discord,
            description,
            logo_url,
            additional,
        } => subnets::do_set_subnet_identity(
            ext,
            origin,
            netuid,
            SubnetIdentityV3 {
                subnet_name,
                github_repo,
                subnet_contact,
                subnet_url,
                discord,
                description,
                logo_url,
                additional,
            },
        ),
        Call::set_tempo { netuid, tempo } => tempo::do_set_tempo(ext, origin, netuid, tempo),
        Call::set_activity_cutoff_factor { netuid, factor_milli } => {
            tempo::do_set_activity_cutoff_factor(ext, origin, netuid, factor_milli)
        }
        Call::trigger_epoch { netuid } => tempo::do_trigger_epoch(ext, origin, netuid),
    }
}

/// Block start: registration prices, emission, epochs and payouts ([`coinbase::block_step`]).
pub fn on_initialize(ext: &mut Ext<'_>) {
    coinbase::block_step(ext);
}

/// Block end: bring `TotalIssuance` up to date with the ledgers (fees burned by the block's
/// extrinsics reduce it here).
pub fn on_finalize(ext: &mut Ext<'_>) {
    coinbase::sync_total_issuance(ext);
}

/// The current block number as subtensor reads it (u64).
pub(crate) fn now(ext: &Ext<'_>) -> u64 {
    u64::from(ext.block_number())
}
