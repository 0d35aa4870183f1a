//! AdminUtils: origins, owner rate limits, bounds, and the errors of each setter.

use super::*;
use crate::DispatchError;
use crate::runtime::subtensor::Error;
use crate::runtime::subtensor::admin_utils::{Call as A, Error as AE};
use substrate_fixed::types::U64F64;

#[test]
fn root_only_setters_refuse_the_owner() {
    let (mut net, _) = net(1);
    let owner = net.owner.clone();
    for call in [
        A::sudo_set_kappa { netuid: NET, kappa: 1 },
        A::sudo_set_weights_set_rate_limit { netuid: NET, weights_set_rate_limit: 1 },
        A::sudo_set_max_allowed_validators { netuid: NET, max_allowed_validators: 1 },
        A::sudo_set_subnet_owner_cut { subnet_owner_cut: 1 },
        A::sudo_set_tempo { netuid: NET, tempo: 1 },
        A::sudo_set_stake_threshold { min_stake: 1 },
        A::sudo_set_max_epochs_per_block { max_epochs_per_block: 1 },
        A::sudo_set_subnet_emission_share { netuid: NET, share: 1 },
    ] {
        assert_eq!(net.call(&owner, call.clone()), Err(DispatchError::BadOrigin), "{call:?}");
    }
}

#[test]
fn owner_setters_are_rate_limited_for_the_owner_only() {
    let (mut net, keys) = net(2);
    let owner = net.owner.clone();
    let set = |v| A::sudo_set_immunity_period { netuid: NET, immunity_period: v };
    assert_eq!(net.call(&keys[1], set(7)), Err(DispatchError::BadOrigin));
    net.call(&owner, set(7)).unwrap();
    assert_eq!(net.read(|ext| s::IMMUNITY_PERIOD.get(ext, &NET)), 7);
    assert_eq!(net.call(&owner, set(8)), err(Error::TxRateLimitExceeded));
    net.sudo(set(9)).unwrap();
    net.run_to(net.number + 2 * u32::from(TEMPO));
    net.call(&owner, set(10)).unwrap();
    assert_eq!(net.read(|ext| s::IMMUNITY_PERIOD.get(ext, &NET)), 10);
    // The freeze window applies to root too.
    net.sudo(A::sudo_set_admin_freeze_window { window: 100 }).unwrap();
    assert_eq!(net.sudo(set(11)), err(Error::AdminActionProhibitedDuringWeightsWindow));
}

#[test]
fn bounds_and_errors() {
    let (mut net, _) = net(1);
    let owner = net.owner.clone();
    let missing = NetUid(9);
    assert_eq!(
        net.sudo(A::sudo_set_kappa { netuid: missing, kappa: 1 }),
        admin_err(AE::SubnetDoesNotExist)
    );
    assert_eq!(
        net.sudo(A::sudo_set_max_allowed_validators { netuid: NET, max_allowed_validators: 257 }),
        admin_err(AE::MaxValidatorsLargerThanMaxUIds)
    );
    assert_eq!(
        net.call(
            &owner,
            A::sudo_set_bonds_moving_average { netuid: NET, bonds_moving_average: 975_001 }
        ),
        admin_err(AE::BondsMovingAverageMaxReached)
    );
    net.sudo(A::sudo_set_bonds_moving_average { netuid: NET, bonds_moving_average: 990_000 })
        .unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_min_burn { netuid: NET, min_burn: tao(1) }),
        admin_err(AE::ValueNotInBounds)
    );
    assert_eq!(
        net.sudo(A::sudo_set_max_burn { netuid: NET, max_burn: 100_000_000 }),
        admin_err(AE::ValueNotInBounds)
    );
    assert_eq!(
        net.sudo(A::sudo_set_max_allowed_uids { netuid: NET, max_allowed_uids: 10 }),
        admin_err(AE::MaxAllowedUidsLessThanMinAllowedUids)
    );
    assert_eq!(
        net.sudo(A::sudo_set_max_allowed_uids { netuid: NET, max_allowed_uids: 300 }),
        admin_err(AE::MaxAllowedUidsGreaterThanDefaultMaxAllowedUids)
    );
    assert_eq!(
        net.sudo(A::sudo_set_min_allowed_uids { netuid: NET, min_allowed_uids: 1 }),
        admin_err(AE::MinAllowedUidsGreaterThanCurrentUids)
    );
    assert_eq!(
        net.sudo(A::sudo_set_min_allowed_uids { netuid: NET, min_allowed_uids: 300 }),
        admin_err(AE::MinAllowedUidsGreaterThanMaxAllowedUids)
    );
    net.write(|ext| s::SUBNETWORK_N.insert(ext, &NET, &100));
    assert_eq!(
        net.sudo(A::sudo_set_max_allowed_uids { netuid: NET, max_allowed_uids: 64 }),
        admin_err(AE::MaxAllowedUIdsLessThanCurrentUIds)
    );
    net.write(|ext| s::SUBNETWORK_N.insert(ext, &NET, &1));
    let min_cutoff = net.read(|ext| s::MIN_ACTIVITY_CUTOFF.get(ext));
    assert_eq!(
        net.sudo(A::sudo_set_activity_cutoff { netuid: NET, activity_cutoff: min_cutoff - 1 }),
        err(Error::ActivityCutoffTooLow)
    );
    net.sudo(A::sudo_set_activity_cutoff { netuid: NET, activity_cutoff: min_cutoff }).unwrap();
    assert_eq!(net.read(|ext| s::ACTIVITY_CUTOFF.get(ext, &NET)), min_cutoff);
    assert_eq!(
        net.sudo(A::sudo_set_commit_reveal_weights_enabled { netuid: NET, enabled: true }),
        err(Error::CallDisabled)
    );
    net.sudo(A::sudo_set_commit_reveal_weights_enabled { netuid: NET, enabled: false }).unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_alpha_values { netuid: NET, alpha_low: 2_000, alpha_high: 3_000 }),
        err(Error::LiquidAlphaDisabled)
    );
    net.sudo(A::sudo_set_liquid_alpha_enabled { netuid: NET, enabled: true }).unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_alpha_values { netuid: NET, alpha_low: 2_000, alpha_high: 1_000 }),
        err(Error::AlphaHighTooLow)
    );
    assert_eq!(
        net.sudo(A::sudo_set_alpha_values { netuid: NET, alpha_low: 4_000, alpha_high: 3_000 }),
        err(Error::AlphaLowOutOfRange)
    );
    net.sudo(A::sudo_set_alpha_values { netuid: NET, alpha_low: 2_000, alpha_high: 3_000 })
        .unwrap();
    assert_eq!(net.read(|ext| s::ALPHA_VALUES.get(ext, &NET)), (2_000, 3_000));
    assert_eq!(
        net.call(&owner, A::sudo_set_alpha_sigmoid_steepness { netuid: NET, steepness: -1 }),
        admin_err(AE::NegativeSigmoidSteepness)
    );
    net.sudo(A::sudo_set_alpha_sigmoid_steepness { netuid: NET, steepness: -1 }).unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_burn_half_life { netuid: NET, burn_half_life: 0 }),
        admin_err(AE::InvalidValue)
    );
    assert_eq!(
        net.sudo(A::sudo_set_burn_half_life { netuid: NetUid::ROOT, burn_half_life: 5 }),
        admin_err(AE::NotPermittedOnRootSubnet)
    );
    assert_eq!(
        net.sudo(A::sudo_set_burn_increase_mult {
            netuid: NET,
            burn_increase_mult: U64F64::from_num(4)
        }),
        admin_err(AE::InvalidValue)
    );
    net.sudo(A::sudo_set_burn_increase_mult {
        netuid: NET,
        burn_increase_mult: U64F64::from_num(2),
    })
    .unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_owner_immune_neuron_limit { netuid: NET, immune_neurons: 11 }),
        err(Error::InvalidValue)
    );
    assert_eq!(
        net.sudo(A::sudo_set_max_epochs_per_block { max_epochs_per_block: 0 }),
        admin_err(AE::ValueNotInBounds)
    );
    assert_eq!(
        net.sudo(A::sudo_set_subnet_emission_enabled { netuid: NetUid::ROOT, enabled: false }),
        admin_err(AE::NotPermittedOnRootSubnet)
    );
    assert_eq!(
        net.sudo(A::sudo_set_owner_cut_enabled { netuid: NetUid::ROOT, enabled: false }),
        admin_err(AE::NotPermittedOnRootSubnet)
    );
    // The owner hotkey: once per 50 400 blocks.
    net.sudo(A::sudo_set_sn_owner_hotkey { netuid: NET, hotkey: Key::new(77).id() }).unwrap();
    assert_eq!(
        net.sudo(A::sudo_set_sn_owner_hotkey { netuid: NET, hotkey: owner.id() }),
        err(Error::TxRateLimitExceeded)
    );
}

#[test]
fn sudo_setters_write_their_items() {
    let (mut net, _) = net(1);
    net.sudo(A::sudo_set_kappa { netuid: NET, kappa: 1_234 }).unwrap();
    net.sudo(A::sudo_set_tempo { netuid: NET, tempo: 77 }).unwrap();
    net.sudo(A::sudo_set_subnet_owner_cut { subnet_owner_cut: 0 }).unwrap();
    net.sudo(A::sudo_set_max_epochs_per_block { max_epochs_per_block: 5 }).unwrap();
    net.sudo(A::sudo_set_yuma3_enabled { netuid: NET, enabled: false }).unwrap();
    net.sudo(A::sudo_set_bonds_penalty { netuid: NET, bonds_penalty: 9 }).unwrap();
    net.sudo(A::sudo_set_subnet_emission_share { netuid: NET, share: 3 }).unwrap();
    net.read(|ext| {
        assert_eq!(s::KAPPA.get(ext, &NET), 1_234);
        assert_eq!(s::TEMPO.get(ext, &NET), 77);
        assert_eq!(s::SUBNET_OWNER_CUT.get(ext), 0);
        assert_eq!(s::MAX_EPOCHS_PER_BLOCK.get(ext), 5);
        assert!(!s::YUMA3_ON.get(ext, &NET));
        assert_eq!(s::BONDS_PENALTY.get(ext, &NET), 9);
        assert_eq!(s::SUBNET_EMISSION_SHARE.get(ext, &NET), 3);
        let hp = crate::runtime::subtensor::hyperparameters::epoch_hyperparameters(ext, NET);
        assert_eq!((hp.kappa, hp.tempo, hp.yuma3, hp.bonds_penalty), (1_234, 77, false, 9));
    });
}
