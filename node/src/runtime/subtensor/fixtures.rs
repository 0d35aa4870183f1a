//! Synthetic full subnets for benchmarks and tests (feature `test-utils`): state written
//! directly, without extrinsics, so a 256-uid subnet takes milliseconds to set up.

use crate::primitives::{AccountId32, blake2_256};
use crate::runtime::Ext;

use super::storage as s;
use super::types::NetUid;
use super::{epoch, registration, staking, subnets};

/// Shape of a synthetic subnet.
#[derive(Clone, Copy, Debug)]
pub struct FullSubnet {
    /// Its netuid.
    pub netuid: NetUid,
    /// Uids (the owner hotkey is uid 0).
    pub n: u16,
    /// Validators: uids `1..=validators`, staked and weighting every other uid.
    pub validators: u16,
    /// Tempo.
    pub tempo: u16,
}

/// A deterministic account for `(netuid, uid, role)`.
pub fn account(netuid: NetUid, uid: u16, role: u8) -> AccountId32 {
    let mut seed = [0u8; 5];
    seed[..2].copy_from_slice(&netuid.0.to_le_bytes());
    seed[2..4].copy_from_slice(&uid.to_le_bytes());
    seed[4] = role;
    AccountId32(blake2_256(&seed))
}

/// Write `spec`'s subnet at block `block`: uids registered at block 1, validators staked
/// (1 000 … TAO, rising with the uid) with permits and weights on every non-validator uid
/// (varying, deterministic), then one epoch run so bonds and permits are populated, with its
/// outputs stored and the schedule set so the next epoch is due at `block + tempo`.
pub fn full_subnet(ext: &mut Ext<'_>, spec: FullSubnet, block: u64) {
    let FullSubnet { netuid, n, validators, tempo } = spec;
    let owner = account(netuid, 0, 0);
    subnets::init_new_network(ext, netuid, tempo);
    s::SUBNET_OWNER.insert(ext, &netuid, &owner);
    s::SUBNET_OWNER_HOTKEY.insert(ext, &netuid, &owner);
    s::FIRST_EMISSION_BLOCK_NUMBER.insert(ext, &netuid, &1);
    s::WEIGHTS_SET_RATE_LIMIT.insert(ext, &netuid, &0);
    for uid in 0..n {
        let (cold, hot) = (account(netuid, uid, 1), account(netuid, uid, 2));
        let hot = if uid == 0 { owner } else { hot };
        staking::create_account_if_non_existent(ext, &cold, &hot);
        registration::append_neuron(ext, netuid, &hot, 1);
        if (1..=validators).contains(&uid) {
            let stake = 1_000_000_000_000u64.saturating_mul(u64::from(uid));
            let _ = staking::increase_stake(ext, &hot, &cold, netuid, stake);
            let row: Vec<(u16, u16)> = (validators.saturating_add(1)..n)
                .map(|j| {
                    let w = u32::from(j).wrapping_mul(2_654_435_761).wrapping_add(u32::from(uid));
                    (j, u16::try_from(w >> 16).unwrap_or(u16::MAX).max(1))
                })
                .collect();
            s::WEIGHTS.insert(ext, &netuid, &uid, &row);
            registration::set_last_update(ext, netuid, uid, block.saturating_sub(1));
        }
    }
    let permits: Vec<bool> = (0..n).map(|uid| uid <= validators).collect();
    s::VALIDATOR_PERMIT.insert(ext, &netuid, &permits);
    epoch::run(ext, netuid, 1_000_000_000);
    s::LAST_MECHANSIM_STEP_BLOCK.insert(ext, &netuid, &block);
    s::LAST_EPOCH_BLOCK.insert(ext, &netuid, &block);
}
