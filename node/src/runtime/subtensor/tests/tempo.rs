//! `set_tempo`, `set_activity_cutoff_factor`, `trigger_epoch`, and the admin freeze window.

use super::*;
use crate::DispatchError;
use crate::runtime::subtensor::{Error, Event};

#[test]
fn set_tempo_bounds_origin_window_and_rate_limit() {
    let (mut net, keys) = net(2);
    let owner = net.owner.clone();
    let set = |tempo| Call::set_tempo { netuid: NET, tempo };
    assert_eq!(net.call(&keys[1], set(400)), Err(DispatchError::BadOrigin));
    assert_eq!(net.call(&owner, set(359)), err(Error::TempoOutOfBounds));
    assert_eq!(net.call(&owner, set(50_401)), err(Error::TempoOutOfBounds));
    net.call(&owner, set(400)).unwrap();
    assert!(net.subtensor_events().contains(&Event::TempoSet(NET, 400)));
    let block = u64::from(net.number);
    net.read(|ext| {
        assert_eq!(s::TEMPO.get(ext, &NET), 400);
        assert_eq!(s::LAST_EPOCH_BLOCK.get(ext, &NET), block, "cycle restarts");
    });
    assert_eq!(net.call(&owner, set(500)), err(Error::TxRateLimitExceeded));
    // The freeze window: within `AdminFreezeWindow` blocks of the next epoch.
    net.sudo(admin_utils::Call::sudo_set_admin_freeze_window { window: 450 }).unwrap();
    net.run_to(net.number + 400);
    assert_eq!(net.call(&owner, set(500)), err(Error::AdminActionProhibitedDuringWeightsWindow));
}

#[test]
fn activity_cutoff_factor() {
    let (mut net, keys) = net(2);
    let owner = net.owner.clone();
    let set = |factor_milli| Call::set_activity_cutoff_factor { netuid: NET, factor_milli };
    assert_eq!(net.call(&keys[1], set(2_000)), Err(DispatchError::BadOrigin));
    assert_eq!(net.call(&owner, set(999)), err(Error::ActivityCutoffFactorMilliOutOfBounds));
    assert_eq!(net.call(&owner, set(50_001)), err(Error::ActivityCutoffFactorMilliOutOfBounds));
    net.call(&owner, set(2_000)).unwrap();
    assert_eq!(net.read(|ext| s::ACTIVITY_CUTOFF_FACTOR_MILLI.get(ext, &NET)), 2_000);
    // Owners are rate limited (2 tempos), root is not.
    assert_eq!(net.call(&owner, set(3_000)), err(Error::TxRateLimitExceeded));
    net.sudo(set(3_000)).unwrap();
    assert_eq!(net.read(|ext| s::ACTIVITY_CUTOFF_FACTOR_MILLI.get(ext, &NET)), 3_000);
}

#[test]
fn trigger_epoch_fires_after_the_window() {
    let (mut net, keys) = net(2);
    let owner = net.owner.clone();
    net.sudo(admin_utils::Call::sudo_set_tempo { netuid: NET, tempo: 100 }).unwrap();
    net.sudo(admin_utils::Call::sudo_set_admin_freeze_window { window: 3 }).unwrap();
    let trigger = Call::trigger_epoch { netuid: NET };
    assert_eq!(net.call(&keys[1], trigger.clone()), Err(DispatchError::BadOrigin));
    let before = net.read(|ext| s::SUBNET_EPOCH_INDEX.get(ext, &NET));
    net.call(&owner, trigger.clone()).unwrap();
    let fires_at = u64::from(net.number) + 3;
    assert!(net.subtensor_events().contains(&Event::EpochTriggered {
        netuid: NET,
        by: owner.id(),
        fires_at
    }));
    assert_eq!(net.call(&owner, trigger.clone()), err(Error::EpochTriggerAlreadyPending));
    net.run_to(fires_at as u32);
    net.read(|ext| {
        assert_eq!(s::SUBNET_EPOCH_INDEX.get(ext, &NET), before + 1);
        assert_eq!(s::PENDING_EPOCH_AT.get(ext, &NET), 0);
        assert_eq!(s::LAST_EPOCH_BLOCK.get(ext, &NET), fires_at);
    });
    // The next scheduled epoch is 100 blocks later; ask 2 blocks before it.
    net.run_to(fires_at as u32 + 96);
    net.sudo(admin_utils::Call::sudo_set_owner_hparam_rate_limit { epochs: 0 }).unwrap();
    assert_eq!(net.call(&owner, trigger), err(Error::AutoEpochAlreadyImminent));
}

#[test]
fn trigger_epoch_is_refused_under_commit_reveal() {
    // Commit-reveal cannot be enabled by a call on this chain; the guard is subtensor's and
    // stays in case a genesis or migration sets the flag.
    let (mut net, _) = net(1);
    let owner = net.owner.clone();
    net.write(|ext| s::COMMIT_REVEAL_WEIGHTS_ENABLED.insert(ext, &NET, &true));
    assert_eq!(
        net.call(&owner, Call::trigger_epoch { netuid: NET }),
        err(Error::DynamicTempoBlockedByCommitReveal)
    );
}
