//! The metadata entries of every SubtensorModule storage item (one list, so an item added to
//! [`super`] without an entry here is caught by the `every_item_has_an_entry` test).

use frame_metadata::v14::{PalletStorageMetadata, StorageEntryMetadata};

use super as s;

/// The storage section of SubtensorModule's pallet metadata.
pub fn storage() -> PalletStorageMetadata {
    PalletStorageMetadata { prefix: s::PALLET, entries: entries() }
}

/// All entries, in declaration order.
pub fn entries() -> Vec<StorageEntryMetadata> {
    vec![
        s::TOTAL_ISSUANCE.meta("All TAO in existence (rao): free and reserved balances, stake, subnet locks and pending emission."),
        s::TOTAL_STAKE.meta("All TAO staked on all subnets (rao)."),
        s::BLOCK_EMISSION.meta("TAO minted by the last block (rao), from the halving curve."),
        s::TOTAL_NETWORKS.meta("Number of subnets, root included."),
        s::SUBNET_LIMIT.meta("Most subnets (root excluded)."),
        s::NETWORK_MIN_LOCK_COST.meta("Floor of the subnet lock cost."),
        s::NETWORK_LAST_LOCK_COST.meta("Lock paid by the last subnet registration."),
        s::NETWORK_LOCK_REDUCTION_INTERVAL.meta("Blocks over which the doubled lock cost decays back."),
        s::NETWORK_RATE_LIMIT.meta("Blocks between two subnet registrations."),
        s::SUBNET_OWNER_CUT.meta("Share of each subnet's emission paid to its owner (u16 proportion)."),
        s::MAX_EPOCHS_PER_BLOCK.meta("Epochs run per block; further due subnets are deferred a block."),
        s::STAKE_THRESHOLD.meta("Least stake (rao) a validator needs to count and to set weights."),
        s::TAO_WEIGHT.meta("Weight of root stake (u64 proportion; root stake is not used by epochs here)."),
        s::ADMIN_FREEZE_WINDOW.meta("Blocks before an epoch in which owners may not change hyperparameters."),
        s::OWNER_HYPERPARAM_RATE_LIMIT.meta("Tempos between owner changes of one hyperparameter."),
        s::MIN_ACTIVITY_CUTOFF.meta("Lower bound of the legacy `ActivityCutoff` setter."),
        s::LAST_RATE_LIMITED_BLOCK.meta("Last block of a rate-limited operation."),
        s::TRANSACTION_KEY_LAST_BLOCK.meta("(account, netuid, transaction type) → last block of a per-subnet rate-limited operation."),
        s::WEIGHTS_VERSION_KEY_RATE_LIMIT.meta("Tempos between owner changes of `WeightsVersionKey`."),
        s::NETWORKS_ADDED.meta("Whether the subnet exists."),
        s::NETWORK_REGISTERED_AT.meta("Block the subnet was registered in."),
        s::SUBNET_OWNER.meta("Owner coldkey."),
        s::SUBNET_OWNER_HOTKEY.meta("Owner hotkey (never pruned, always permitted)."),
        s::SUBNET_LOCKED.meta("TAO the owner locked to register the subnet (held by the module)."),
        s::TOKEN_SYMBOL.meta("The subnet's token symbol (UTF-8)."),
        s::SUBNET_IDENTITIES_V3.meta(None, "The owner's published identity."),
        s::SUBNET_MECHANISM.meta("0 = stable (TAO and alpha 1:1), which is every subnet here."),
        s::MECHANISM_COUNT_CURRENT.meta("Incentive mechanisms per subnet (always 1 here)."),
        s::FIRST_EMISSION_BLOCK_NUMBER.meta(None, "First block the subnet receives emission."),
        s::SUBTOKEN_ENABLED.meta("Staking allowed (set on registration here; no `start_call` needed)."),
        s::SUBNET_EMISSION_ENABLED.meta("Whether the subnet takes part in the emission split."),
        s::SUBNET_EMISSION_SHARE.meta("Weight of the subnet in the per-block emission split."),
        s::OWNER_CUT_ENABLED.meta("Whether the owner cut is taken."),
        s::SUBNET_TAO.meta("TAO staked on the subnet (rao)."),
        s::SUBNET_ALPHA_IN.meta("Alpha in the (absent) pool; always 0 here."),
        s::SUBNET_ALPHA_OUT.meta("Alpha held by stakers, equal to `SubnetTAO` at price 1."),
        s::SUBNET_MOVING_PRICE.meta("EMA of the alpha price; fixed at 1 for every non-root subnet here."),
        s::SUBNET_EMA_TAO_FLOW.meta(None, "(block, EMA) of net TAO flow; never written here (no flow-based split)."),
        s::RAO_RECYCLED_FOR_REGISTRATION.meta("TAO burned by registrations on the subnet."),
        s::TEMPO.meta("Blocks between epochs (0 disables them)."),
        s::ACTIVITY_CUTOFF_FACTOR_MILLI.meta("Activity cutoff in per mille of tempo."),
        s::ACTIVITY_CUTOFF.meta("."),
        s::MAX_ALLOWED_UIDS.meta("."),
        s::MIN_ALLOWED_UIDS.meta("."),
        s::MAX_ALLOWED_VALIDATORS.meta("."),
        s::IMMUNITY_PERIOD.meta("Blocks a new neuron cannot be pruned."),
        s::MIN_ALLOWED_WEIGHTS.meta("."),
        s::MAX_WEIGHTS_LIMIT.meta("."),
        s::WEIGHTS_VERSION_KEY.meta("."),
        s::WEIGHTS_SET_RATE_LIMIT.meta("."),
        s::KAPPA.meta("."),
        s::RHO.meta("."),
        s::BONDS_MOVING_AVERAGE.meta("."),
        s::BONDS_PENALTY.meta("."),
        s::BONDS_RESET_ON.meta("."),
        s::LIQUID_ALPHA_ON.meta("."),
        s::YUMA3_ON.meta("."),
        s::ALPHA_VALUES.meta("(low, high) liquid-alpha bounds."),
        s::ALPHA_SIGMOID_STEEPNESS.meta("."),
        s::COMMIT_REVEAL_WEIGHTS_ENABLED.meta("."),
        s::SERVING_RATE_LIMIT.meta("."),
        s::NETWORK_REGISTRATION_ALLOWED.meta("."),
        s::NETWORK_POW_REGISTRATION_ALLOWED.meta("."),
        s::BURN.meta("Current registration price."),
        s::MIN_BURN.meta("."),
        s::MAX_BURN.meta("."),
        s::BURN_HALF_LIFE.meta("Blocks for the registration price to halve."),
        s::BURN_INCREASE_MULT.meta("Factor applied to the price by each registration."),
        s::DIFFICULTY.meta("."),
        s::MIN_DIFFICULTY.meta("."),
        s::MAX_DIFFICULTY.meta("."),
        s::REGISTRATIONS_THIS_BLOCK.meta("."),
        s::REGISTRATIONS_THIS_INTERVAL.meta("."),
        s::MAX_REGISTRATIONS_PER_BLOCK.meta("."),
        s::TARGET_REGISTRATIONS_PER_INTERVAL.meta("."),
        s::ADJUSTMENT_INTERVAL.meta("."),
        s::ADJUSTMENT_ALPHA.meta("."),
        s::MIN_NON_IMMUNE_UIDS.meta("Non-immune neurons that must remain before an immune one is pruned."),
        s::IMMUNE_OWNER_UIDS_LIMIT.meta("Owner hotkeys that are never pruned."),
        s::LAST_EPOCH_BLOCK.meta("Block of the last epoch slot (run or skipped)."),
        s::PENDING_EPOCH_AT.meta("Block at which a triggered or deferred epoch fires (0 = none)."),
        s::SUBNET_EPOCH_INDEX.meta("Epochs so far."),
        s::BLOCKS_SINCE_LAST_STEP.meta("."),
        s::LAST_MECHANSIM_STEP_BLOCK.meta("Block of the last successful epoch."),
        s::PENDING_SERVER_EMISSION.meta("TAO for miners, accumulated until the next epoch."),
        s::PENDING_VALIDATOR_EMISSION.meta("TAO for validators, accumulated until the next epoch."),
        s::PENDING_ROOT_ALPHA_DIVS.meta("Always 0 here (no root dividends)."),
        s::PENDING_OWNER_CUT.meta("The owner's cut, accumulated until the next epoch."),
        s::SUBNET_ALPHA_OUT_EMISSION.meta("Emission the subnet received in the last block."),
        s::SUBNETWORK_N.meta("Number of uids."),
        s::KEYS.meta("Uid → hotkey."),
        s::UIDS.meta(None, "Hotkey → uid."),
        s::BLOCK_AT_REGISTRATION.meta("."),
        s::IS_NETWORK_MEMBER.meta("Whether the hotkey is registered on the subnet."),
        s::AXONS.meta(None, "."),
        s::PROMETHEUS.meta(None, "."),
        s::ACTIVE.meta("."),
        s::CONSENSUS.meta("."),
        s::INCENTIVE.meta("."),
        s::DIVIDENDS.meta("."),
        s::EMISSION.meta("."),
        s::LAST_UPDATE.meta("."),
        s::VALIDATOR_TRUST.meta("."),
        s::VALIDATOR_PERMIT.meta("."),
        s::STAKE_WEIGHT.meta("."),
        s::WEIGHTS.meta("Per uid its `(uid, weight)` row (keyed by `NetUidStorageIndex` = netuid)."),
        s::BONDS.meta("Per uid its `(uid, bond)` row."),
        s::OWNER.meta("Hotkey → owning coldkey (zeros when the hotkey is unknown)."),
        s::OWNED_HOTKEYS.meta("Coldkey → its hotkeys."),
        s::STAKING_HOTKEYS.meta("Coldkey → hotkeys it has staked to."),
        s::TOTAL_HOTKEY_ALPHA.meta("Stake on a hotkey on a subnet (rao)."),
        s::TOTAL_HOTKEY_SHARES.meta("Shares of a hotkey's pool (equal to `TotalHotkeyAlpha` here)."),
        s::ALPHA.meta("(hotkey, coldkey, netuid) → shares (one share per rao here)."),
        s::HOTKEY_STAKERS.meta("The coldkeys with stake on a hotkey on a subnet, in order of first stake. Lets an epoch credit dividends to every staker without iterating storage."),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_has_an_entry() {
        let src = include_str!("mod.rs");
        let declared =
            src.lines().filter(|l| l.starts_with("pub const ") && l.contains(": ")).count()
                - src.lines().filter(|l| l.starts_with("pub const PALLET")).count();
        assert_eq!(entries().len(), declared);
        let mut names: Vec<_> = entries().iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), declared, "duplicate storage item names");
    }
}
