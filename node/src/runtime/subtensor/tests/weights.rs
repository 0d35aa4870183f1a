//! `set_weights`: storage on success, and each of subtensor's checks with its error.

use super::*;
use crate::runtime::subtensor::{Error, Event, registration};

/// A subnet with a staked validator (uid 1, permitted after the first epoch) and two miners.
fn setup() -> (Net, Vec<Key>) {
    let (mut net, keys) = net(6);
    net.register(&keys[1], &keys[1], NET);
    net.register(&keys[2], &keys[2], NET);
    net.register(&keys[3], &keys[3], NET);
    net.stake(&keys[1], &keys[1], NET, tao(100));
    net.run_to(u32::from(TEMPO));
    assert!(net.read(|ext| s::VALIDATOR_PERMIT.get(ext, &NET))[1]);
    (net, keys)
}

fn set(netuid: NetUid, dests: Vec<u16>, weights: Vec<u16>, version_key: u64) -> Call {
    Call::set_weights { netuid, dests, weights, version_key }
}

#[test]
fn stores_max_upscaled_row_and_last_update() {
    let (mut net, keys) = setup();
    net.no_weights_rate_limit(NET);
    net.call(&keys[1], set(NET, vec![3, 2], vec![10, 20], 0)).unwrap();
    assert!(net.subtensor_events().contains(&Event::WeightsSet(NET, 1)));
    let block = u64::from(net.number);
    net.read(|ext| {
        assert_eq!(s::WEIGHTS.get(ext, &NET, &1), vec![(3, 32_768), (2, 65_535)]);
        assert_eq!(registration::last_update(ext, NET)[1], block);
    });
}

#[test]
fn rate_limit_version_key_and_stake_threshold() {
    let (mut net, keys) = setup();
    let v = &keys[1];
    // Registered at block 1, so LastUpdate is 1: 100 blocks must pass.
    assert_eq!(net.call(v, set(NET, vec![2], vec![1], 0)), err(Error::SettingWeightsTooFast));
    net.run_to(101);
    net.sudo(admin_utils::Call::sudo_set_weights_version_key {
        netuid: NET,
        weights_version_key: 5,
    })
    .unwrap();
    assert_eq!(net.call(v, set(NET, vec![2], vec![1], 4)), err(Error::IncorrectWeightVersionKey));
    net.sudo(admin_utils::Call::sudo_set_stake_threshold { min_stake: tao(1_000) }).unwrap();
    assert_eq!(net.call(v, set(NET, vec![2], vec![1], 5)), err(Error::NotEnoughStakeToSetWeights));
    // The owner is exempt from the threshold and from needing a permit.
    net.no_weights_rate_limit(NET);
    let owner = net.owner.clone();
    net.call(&owner, set(NET, vec![2, 3], vec![1, 1], 5)).unwrap();
    net.sudo(admin_utils::Call::sudo_set_stake_threshold { min_stake: 0 }).unwrap();
    net.call(v, set(NET, vec![2], vec![1], 6)).unwrap();
}

#[test]
fn shape_errors() {
    let (mut net, keys) = setup();
    net.no_weights_rate_limit(NET);
    let v = &keys[1];
    let cases: Vec<(Call, Error)> = vec![
        (set(NetUid::ROOT, vec![1], vec![1], 0), Error::CanNotSetRootNetworkWeights),
        (set(NET, vec![1, 2], vec![1], 0), Error::WeightVecNotEqualSize),
        (set(NetUid(9), vec![1], vec![1], 0), Error::MechanismDoesNotExist),
        (set(NET, vec![0, 1, 2, 3, 3], vec![1; 5], 0), Error::UidsLengthExceedUidsInSubNet),
        (set(NET, vec![2, 2], vec![1, 1], 0), Error::DuplicateUids),
        (set(NET, vec![2, 7], vec![1, 1], 0), Error::UidVecContainInvalidOne),
    ];
    for (call, want) in cases {
        assert_eq!(net.call(v, call), err(want), "{want:?}");
    }
    // Not registered.
    assert_eq!(
        net.call(&keys[5], set(NET, vec![2], vec![1], 0)),
        err(Error::HotKeyNotRegisteredInSubNet)
    );
}

#[test]
fn permit_length_and_max_weight() {
    let (mut net, keys) = setup();
    net.no_weights_rate_limit(NET);
    // A miner without a permit may only weight itself.
    let miner = &keys[2];
    assert_eq!(net.call(miner, set(NET, vec![3], vec![1], 0)), err(Error::NeuronNoValidatorPermit));
    net.call(miner, set(NET, vec![2], vec![1], 0)).unwrap();

    net.sudo(admin_utils::Call::sudo_set_min_allowed_weights {
        netuid: NET,
        min_allowed_weights: 3,
    })
    .unwrap();
    let v = &keys[1];
    assert_eq!(net.call(v, set(NET, vec![2, 3], vec![1, 1], 0)), err(Error::WeightVecLengthIsLow));
    // A single self-weight is always long enough.
    net.call(v, set(NET, vec![1], vec![1], 0)).unwrap();
    net.call(v, set(NET, vec![0, 2, 3], vec![1, 1, 1], 0)).unwrap();

    // `MaxWeightsLimit` (no setter left in subtensor; written directly): no normalised weight
    // above 40 000 / 65 535.
    net.write(|ext| s::MAX_WEIGHTS_LIMIT.insert(ext, &NET, &40_000));
    assert_eq!(
        net.call(v, set(NET, vec![0, 2, 3], vec![1, 1, 10], 0)),
        err(Error::MaxWeightExceeded)
    );
    net.call(v, set(NET, vec![0, 2, 3], vec![10, 10, 10], 0)).unwrap();
}
