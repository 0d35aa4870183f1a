//! `burned_register`: uid allocation, price, pruning, and each error.

use super::*;
use crate::runtime::subtensor::Error;
use crate::runtime::subtensor::hyperparameters::NEW_SUBNET_BURN;
use crate::runtime::subtensor::registration;

#[test]
fn registers_next_uid_and_burns_the_price() {
    let (mut net, keys) = net(3);
    let (cold, hot) = (&keys[1], &keys[2]);
    let before = net.free(&cold.id());
    let burn = net.read(|ext| s::BURN.get(ext, &NET));
    assert_eq!(burn, NEW_SUBNET_BURN);
    let uid = net.register(cold, hot, NET);
    assert_eq!(uid, 1);
    let fee = before - burn - net.free(&cold.id());
    assert!(fee > 0 && fee < 1_000_000, "only the burn and a fee are charged ({fee})");
    assert!(net.subtensor_events().contains(&super::super::Event::NeuronRegistered(
        NET,
        1,
        hot.id()
    )));
    net.read(|ext| {
        assert_eq!(s::SUBNETWORK_N.get(ext, &NET), 2);
        assert_eq!(s::KEYS.get(ext, &NET, &1), hot.id());
        assert_eq!(s::OWNER.get(ext, &hot.id()), cold.id());
        assert!(s::IS_NETWORK_MEMBER.get(ext, &hot.id(), &NET));
        assert_eq!(s::BLOCK_AT_REGISTRATION.get(ext, &NET, &1), 1);
        assert_eq!(registration::last_update(ext, NET), vec![0, 1]);
        assert_eq!(s::VALIDATOR_PERMIT.get(ext, &NET), vec![false, false]);
        assert_eq!(s::RAO_RECYCLED_FOR_REGISTRATION.get(ext, &NET), burn);
        // ×1.26 after the registration (U64F64 of the nearest f64).
        assert_eq!(s::BURN.get(ext, &NET), 1_260_000_000);
    });
}

#[test]
fn price_decays_each_block_towards_min_burn() {
    let (mut net, _) = net(1);
    let start = net.read(|ext| s::BURN.get(ext, &NET));
    net.run_to(2);
    let after_one = net.read(|ext| s::BURN.get(ext, &NET));
    assert!(after_one < start);
    net.run_to(2 + 360);
    let after_half_life = net.read(|ext| s::BURN.get(ext, &NET));
    // One half-life later the price has (just about) halved.
    assert!(after_half_life <= after_one / 2 && after_half_life > after_one / 2 - after_one / 100);
    net.run_to(20_000);
    assert_eq!(net.read(|ext| s::BURN.get(ext, &NET)), net.read(|ext| s::MIN_BURN.get(ext, &NET)));
}

#[test]
fn errors() {
    let (mut net, keys) = net(4);
    let (cold, hot, other) = (&keys[1], &keys[2], &keys[3]);
    let reg = |netuid, hotkey: &Key| Call::burned_register { netuid, hotkey: hotkey.id() };
    assert_eq!(
        net.call(cold, reg(NetUid::ROOT, hot)),
        err(Error::RegistrationNotPermittedOnRootSubnet)
    );
    assert_eq!(net.call(cold, reg(NetUid(9), hot)), err(Error::SubnetNotExists));
    let allow = |registration_allowed| admin_utils::Call::sudo_set_network_registration_allowed {
        netuid: NET,
        registration_allowed,
    };
    net.sudo(allow(false)).unwrap();
    assert_eq!(net.call(cold, reg(NET, hot)), err(Error::SubNetRegistrationDisabled));
    net.sudo(allow(true)).unwrap();
    net.register(cold, hot, NET);
    assert_eq!(net.call(cold, reg(NET, hot)), err(Error::HotKeyAlreadyRegisteredInSubNet));
    // `hot` belongs to `cold`: another coldkey cannot register it on another subnet.
    net.write(|ext| crate::runtime::subtensor::subnets::init_new_network(ext, NetUid(2), 10));
    assert_eq!(net.call(other, reg(NetUid(2), hot)), err(Error::NonAssociatedColdKey));
    net.write(|ext| {
        s::MAX_BURN.insert(ext, &NET, &tao(30_000));
        s::BURN.insert(ext, &NET, &tao(20_000));
    });
    assert_eq!(net.call(other, reg(NET, other)), err(Error::NotEnoughBalanceToStake));
    net.write(|ext| {
        s::BURN.insert(ext, &NET, &NEW_SUBNET_BURN);
        s::MAX_ALLOWED_UIDS.insert(ext, &NET, &0);
    });
    assert_eq!(net.call(other, reg(NET, other)), err(Error::NoNeuronIdAvailable));
}

#[test]
fn full_subnet_prunes_the_lowest_emission_non_immune_and_never_the_owner() {
    let (mut net, keys) = net(16);
    // 1 owner + 12 registrations = 13 uids, the subnet full at 13.
    for k in &keys[1..13] {
        net.register(k, k, NET);
    }
    net.write(|ext| {
        s::MAX_ALLOWED_UIDS.insert(ext, &NET, &13);
        s::IMMUNITY_PERIOD.insert(ext, &NET, &5);
        // Emission of the last epoch: uid 5 the lowest among the non-owner uids, the owner 0.
        let emission: Vec<u64> = (0..13).map(|uid| if uid == 5 { 1 } else { 100 + uid }).collect();
        s::EMISSION.insert(ext, &NET, &emission);
    });
    net.run_to(net.number + 6);
    let newcomer = &keys[13];
    let uid = net.register(newcomer, newcomer, NET);
    assert_eq!(uid, 5, "lowest emission, past immunity, replaced");
    net.read(|ext| {
        assert_eq!(s::SUBNETWORK_N.get(ext, &NET), 13);
        assert!(s::UIDS.try_get(ext, &NET, &keys[5].id()).is_none(), "old hotkey deregistered");
        assert!(!s::IS_NETWORK_MEMBER.get(ext, &keys[5].id(), &NET));
        assert_eq!(s::KEYS.get(ext, &NET, &0), net.owner.id(), "owner kept at uid 0");
        assert_eq!(s::EMISSION.get(ext, &NET)[5], 0);
    });
    // While every neuron is immune, an immune one is pruned only when no more than
    // `MinNonImmuneUids` non-immune ones would remain; all immune here: the oldest lowest goes.
    net.write(|ext| s::IMMUNITY_PERIOD.insert(ext, &NET, &10_000));
    let uid = net.register(&keys[14], &keys[14], NET);
    assert_ne!(uid, 0);
    // With only the owner left unprunable there is always a candidate; an owner-only subnet at
    // capacity 1 has none.
    net.write(|ext| {
        let lone = NetUid(2);
        crate::runtime::subtensor::subnets::init_new_network(ext, lone, 10);
        s::SUBNET_OWNER.insert(ext, &lone, &keys[15].id());
        s::SUBNET_OWNER_HOTKEY.insert(ext, &lone, &keys[15].id());
        crate::runtime::subtensor::staking::create_account_if_non_existent(
            ext,
            &keys[15].id(),
            &keys[15].id(),
        );
        registration::append_neuron(ext, lone, &keys[15].id(), 0);
        s::MAX_ALLOWED_UIDS.insert(ext, &lone, &1);
    });
    let call = Call::burned_register { netuid: NetUid(2), hotkey: keys[1].id() };
    assert_eq!(net.call(&keys[1], call), err(Error::NoNeuronIdAvailable));
}

#[test]
fn replaced_neuron_loses_weights_on_it_but_keeps_its_stake() {
    let (mut net, keys) = net(6);
    let (v, m) = (&keys[1], &keys[2]);
    net.register(v, v, NET);
    let m_uid = net.register(m, m, NET);
    net.stake(m, m, NET, tao(5));
    net.write(|ext| {
        s::WEIGHTS.insert(ext, &NET, &1, &vec![(m_uid, 65_535), (0, 10)]);
        s::MAX_ALLOWED_UIDS.insert(ext, &NET, &3);
        s::IMMUNITY_PERIOD.insert(ext, &NET, &0);
        s::MIN_NON_IMMUNE_UIDS.insert(ext, &NET, &0);
        s::EMISSION.insert(ext, &NET, &vec![5, 5, 0]);
    });
    let uid = net.register(&keys[3], &keys[3], NET);
    assert_eq!(uid, m_uid);
    net.read(|ext| {
        assert_eq!(s::WEIGHTS.get(ext, &NET, &1), vec![(m_uid, 0), (0, 10)], "entry kept, zeroed");
        assert!(s::WEIGHTS.try_get(ext, &NET, &m_uid).is_none());
        assert_eq!(crate::runtime::subtensor::staking::hotkey_stake(ext, &m.id(), NET), tao(5));
    });
}
