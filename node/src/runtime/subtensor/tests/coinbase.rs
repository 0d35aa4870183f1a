//! Emission, its split, epoch scheduling and payouts.

use super::*;
use crate::runtime::balances;
use crate::runtime::subtensor::admin_utils::Call as A;
use crate::runtime::subtensor::{Event, staking, subnets};

fn issuance(net: &Net) -> u64 {
    net.read(|ext| s::TOTAL_ISSUANCE.get(ext))
}

fn pending(net: &Net, netuid: NetUid) -> (u64, u64, u64) {
    net.read(|ext| {
        (
            s::PENDING_OWNER_CUT.get(ext, &netuid),
            s::PENDING_SERVER_EMISSION.get(ext, &netuid),
            s::PENDING_VALIDATOR_EMISSION.get(ext, &netuid),
        )
    })
}

#[test]
fn an_empty_block_mints_exactly_the_block_emission() {
    let (mut net, _) = net(1);
    let before = issuance(&net);
    net.block(&[]);
    assert_eq!(issuance(&net), before + tao(1));
    assert_eq!(net.read(|ext| s::BLOCK_EMISSION.get(ext)), tao(1));
    // 18 % (11 796 / 65 535 in U96F32) to the owner, half the rest to miners, the remainder to
    // validators.
    assert_eq!(pending(&net, NET), (179_995_422, 410_002_288, 410_002_290));
    assert_eq!(pending(&net, NetUid::ROOT), (0, 0, 0), "root receives nothing");
    net.block(&[]);
    assert_eq!(pending(&net, NET), (2 * 179_995_422, 2 * 410_002_288, 2 * 410_002_290));
}

#[test]
fn halving_follows_total_issuance() {
    let (mut net, _) = net(1);
    // Pretend 10.5 M TAO exist (Balances' issuance is one of the summed ledgers).
    net.write(|ext| {
        balances::TOTAL_ISSUANCE.put(ext, &tao(10_500_000));
        crate::runtime::subtensor::coinbase::sync_total_issuance(ext);
    });
    net.block(&[]);
    assert_eq!(net.read(|ext| s::BLOCK_EMISSION.get(ext)), tao(1) / 2);
    let (cut, server, validator) = pending(&net, NET);
    assert_eq!(cut + server + validator, tao(1) / 2);
    net.write(|ext| {
        balances::TOTAL_ISSUANCE.put(ext, &tao(21_000_000));
        crate::runtime::subtensor::coinbase::sync_total_issuance(ext);
    });
    let before = issuance(&net);
    net.block(&[]);
    assert_eq!(net.read(|ext| s::BLOCK_EMISSION.get(ext)), 0);
    assert_eq!(issuance(&net), before, "nothing past the cap");
}

fn second_subnet(net: &mut Net, owner: &Key) -> NetUid {
    let netuid = NetUid(2);
    net.write(|ext| {
        subnets::init_new_network(ext, netuid, TEMPO);
        staking::create_account_if_non_existent(ext, &owner.id(), &owner.id());
        crate::runtime::subtensor::registration::append_neuron(ext, netuid, &owner.id(), 0);
        s::SUBNET_OWNER.insert(ext, &netuid, &owner.id());
        s::SUBNET_OWNER_HOTKEY.insert(ext, &netuid, &owner.id());
        s::FIRST_EMISSION_BLOCK_NUMBER.insert(ext, &netuid, &1);
    });
    netuid
}

#[test]
fn emission_is_split_by_share() {
    let (mut net, keys) = net(2);
    let two = second_subnet(&mut net, &keys[1]);
    net.block(&[]);
    let emitted = |net: &Net, n| net.read(|ext| s::SUBNET_ALPHA_OUT_EMISSION.get(ext, &n));
    assert_eq!((emitted(&net, NET), emitted(&net, two)), (tao(1) / 2, tao(1) / 2));
    // A change applies from the next block (this block's coinbase ran before the call).
    net.sudo(A::sudo_set_subnet_emission_share { netuid: NET, share: 3 }).unwrap();
    net.block(&[]);
    assert_eq!((emitted(&net, NET), emitted(&net, two)), (tao(3) / 4, tao(1) / 4));
    // Three-way with a remainder: it goes to the first subnet, nothing is lost.
    net.sudo(A::sudo_set_subnet_emission_share { netuid: NET, share: 1 }).unwrap();
    net.sudo(A::sudo_set_subnet_emission_share { netuid: two, share: 2 }).unwrap();
    net.block(&[]);
    assert_eq!((emitted(&net, NET), emitted(&net, two)), (333_333_334, 666_666_666));
    net.sudo(A::sudo_set_subnet_emission_enabled { netuid: two, enabled: false }).unwrap();
    net.block(&[]);
    assert_eq!(emitted(&net, NET), tao(1));
}

#[test]
fn due_epochs_beyond_the_cap_are_deferred_one_block() {
    let (mut net, keys) = net(2);
    let two = second_subnet(&mut net, &keys[1]);
    net.sudo(A::sudo_set_max_epochs_per_block { max_epochs_per_block: 1 }).unwrap();
    net.run_to(u32::from(TEMPO));
    assert!(net.subtensor_events().contains(&Event::EpochDeferred {
        netuid: two,
        from_block: u64::from(TEMPO),
        to_block: u64::from(TEMPO) + 1
    }));
    let index = |net: &Net, n| net.read(|ext| s::SUBNET_EPOCH_INDEX.get(ext, &n));
    assert_eq!((index(&net, NET), index(&net, two)), (1, 0));
    net.block(&[]);
    assert_eq!((index(&net, NET), index(&net, two)), (1, 1));
    net.read(|ext| {
        assert_eq!(s::LAST_EPOCH_BLOCK.get(ext, &two), u64::from(TEMPO) + 1);
        assert_eq!(s::PENDING_EPOCH_AT.get(ext, &two), 0);
        assert_eq!(s::PENDING_SERVER_EMISSION.get(ext, &two), 0, "drained");
    });
}

#[test]
fn tempo_zero_stops_epochs_and_pending_accumulates() {
    let (mut net, _) = net(1);
    net.sudo(A::sudo_set_tempo { netuid: NET, tempo: 0 }).unwrap();
    net.run_to(3 * u32::from(TEMPO));
    assert_eq!(net.read(|ext| s::SUBNET_EPOCH_INDEX.get(ext, &NET)), 0);
    let (cut, _, _) = pending(&net, NET);
    assert_eq!(cut, u64::from(net.number) * 179_995_422);
}

#[test]
fn an_epoch_pays_owner_miner_and_validators_into_stake() {
    let (mut net, keys) = net(5);
    let (vc, vh, mc, mh) = (&keys[1], &keys[2], &keys[3], &keys[4]);
    net.register(vc, vh, NET); // uid 1
    let m_uid = net.register(mc, mh, NET); // uid 2
    net.stake(vc, vh, NET, tao(100));
    net.no_weights_rate_limit(NET);
    net.run_to(u32::from(TEMPO)); // first epoch: permits
    let set =
        Call::set_weights { netuid: NET, dests: vec![m_uid], weights: vec![1], version_key: 0 };
    net.call(vh, set).unwrap();
    let owner = net.owner.id();
    let before = net.read(|ext| {
        (
            staking::hotkey_stake(ext, &vh.id(), NET),
            staking::stake_of(ext, &mh.id(), &mc.id(), NET),
            staking::stake_of(ext, &owner, &owner, NET),
            s::TOTAL_ISSUANCE.get(ext),
        )
    });
    net.run_to(2 * u32::from(TEMPO));
    let after = net.read(|ext| {
        (
            staking::hotkey_stake(ext, &vh.id(), NET),
            staking::stake_of(ext, &mh.id(), &mc.id(), NET),
            staking::stake_of(ext, &owner, &owner, NET),
            s::TOTAL_ISSUANCE.get(ext),
        )
    });
    let incentive = net.read(|ext| s::INCENTIVE.get(ext, &NET));
    let dividends = net.read(|ext| s::DIVIDENDS.get(ext, &NET));
    assert_eq!(incentive[usize::from(m_uid)], 65_535, "the only miner");
    assert_eq!(dividends[1], 65_535, "the only validator");
    // The epoch at block 20 drained blocks 11..=20.
    let per_block: (u64, u64, u64) = (179_995_422, 410_002_288, 410_002_290);
    let (cut, server, validator) = (10 * per_block.0, 10 * per_block.1, 10 * per_block.2);
    assert_eq!(after.2 - before.2, cut, "owner cut staked to the owner hotkey");
    let miner_gain = after.1 - before.1;
    let validator_gain = after.0 - before.0;
    assert!(miner_gain > 0 && validator_gain > 0);
    assert!(miner_gain + validator_gain <= server + validator, "never more than was minted");
    assert!(validator_gain <= validator && validator_gain + 30 >= validator);
    // Issuance: one emission per block (12..=20), minus what rounding left undistributed.
    let burned = before.3 + 9 * tao(1) - after.3;
    assert_eq!(burned, server + validator - miner_gain - validator_gain);
    assert!(burned < 30, "rounding only: {burned}");
    assert_eq!(pending(&net, NET), (0, 0, 0));
}
