//! `register_network`: lock, netuid allocation, owner, lock-cost curve; identity; each error.

use super::*;
use crate::runtime::subtensor::hyperparameters::DEFAULT_NETWORK_MIN_LOCK_COST;
use crate::runtime::subtensor::{Error, Event, SubnetIdentityV3, subnets};

#[test]
fn registers_a_subnet_locking_the_cost() {
    let (mut net, keys) = net(4);
    let (cold, hot) = (&keys[1], &keys[2]);
    let lock = net.read(subnets::network_lock_cost);
    assert_eq!(lock, DEFAULT_NETWORK_MIN_LOCK_COST);
    let free = net.free(&cold.id());
    net.call(cold, Call::register_network { hotkey: hot.id() }).unwrap();
    let netuid = NetUid(2);
    assert!(net.subtensor_events().contains(&Event::NetworkAdded(netuid, 0)));
    assert!(free - lock - net.free(&cold.id()) < 1_000_000, "lock and a fee");
    net.read(|ext| {
        assert!(s::NETWORKS_ADDED.get(ext, &netuid));
        assert_eq!(s::SUBNET_LOCKED.get(ext, &netuid), lock);
        assert_eq!(s::SUBNET_OWNER.get(ext, &netuid), cold.id());
        assert_eq!(s::SUBNET_OWNER_HOTKEY.get(ext, &netuid), hot.id());
        assert_eq!(s::KEYS.get(ext, &netuid, &0), hot.id());
        assert_eq!(s::OWNER.get(ext, &hot.id()), cold.id());
        assert_eq!(s::TOTAL_NETWORKS.get(ext), 3);
        assert_eq!(s::TOKEN_SYMBOL.get(ext, &netuid), "β".as_bytes());
        assert_eq!(s::TEMPO.get(ext, &netuid), 360);
        assert_eq!(s::LAST_EPOCH_BLOCK.get(ext, &netuid), 0, "staggered by netuid mod tempo");
        // The next lock is doubled, decaying back over the reduction interval.
        assert_eq!(subnets::network_lock_cost(ext), 2 * lock);
        let terms = crate::runtime::subtensor::coinbase::issuance_terms(ext).unwrap();
        assert_eq!(terms.locked, lock);
    });
    // With the rate limit lifted, a second subnet gets netuid 3 and pays the doubled lock.
    net.sudo(admin_utils::Call::sudo_set_network_rate_limit { rate_limit: 0 }).unwrap();
    let identity = SubnetIdentityV3 { subnet_name: b"three".to_vec(), ..Default::default() };
    let call = Call::register_network_with_identity {
        hotkey: keys[3].id(),
        identity: Some(identity.clone()),
    };
    net.call(&keys[3], call).unwrap();
    net.read(|ext| {
        assert_eq!(s::SUBNET_IDENTITIES_V3.try_get(ext, &NetUid(3)), Some(identity));
        assert!(s::SUBNET_LOCKED.get(ext, &NetUid(3)) > lock);
    });
}

#[test]
fn errors() {
    let (mut net, keys) = net(5);
    let (a, b) = (&keys[1], &keys[2]);
    net.register(a, a, NET);
    // `a` is a's hotkey: b cannot make it the owner hotkey of its subnet.
    assert_eq!(
        net.call(b, Call::register_network { hotkey: a.id() }),
        err(Error::NonAssociatedColdKey)
    );
    net.call(b, Call::register_network { hotkey: b.id() }).unwrap();
    assert_eq!(
        net.call(&keys[3], Call::register_network { hotkey: keys[3].id() }),
        err(Error::NetworkTxRateLimitExceeded)
    );
    net.sudo(admin_utils::Call::sudo_set_network_rate_limit { rate_limit: 0 }).unwrap();
    net.sudo(admin_utils::Call::sudo_set_subnet_limit { max_subnets: 2 }).unwrap();
    assert_eq!(
        net.call(&keys[3], Call::register_network { hotkey: keys[3].id() }),
        err(Error::SubnetLimitReached)
    );
    net.sudo(admin_utils::Call::sudo_set_subnet_limit { max_subnets: 10 }).unwrap();
    net.sudo(admin_utils::Call::sudo_set_network_min_lock_cost { lock_cost: tao(20_000) }).unwrap();
    assert_eq!(
        net.call(&keys[3], Call::register_network { hotkey: keys[3].id() }),
        err(Error::CannotAffordLockCost)
    );
    net.sudo(admin_utils::Call::sudo_set_network_min_lock_cost { lock_cost: tao(1) }).unwrap();
    let too_long = SubnetIdentityV3 { subnet_name: vec![b'x'; 257], ..Default::default() };
    let call =
        Call::register_network_with_identity { hotkey: keys[3].id(), identity: Some(too_long) };
    assert_eq!(net.call(&keys[3], call), err(Error::InvalidIdentity));
}

#[test]
fn identity_is_owner_only() {
    let (mut net, keys) = net(2);
    let call = |name: &[u8]| Call::set_subnet_identity {
        netuid: NET,
        subnet_name: name.to_vec(),
        github_repo: vec![],
        subnet_contact: vec![],
        subnet_url: vec![],
        discord: vec![],
        description: vec![],
        logo_url: vec![],
        additional: vec![],
    };
    assert_eq!(net.call(&keys[1], call(b"mine")), Err(crate::DispatchError::BadOrigin));
    let owner = net.owner.clone();
    net.call(&owner, call(b"renamed")).unwrap();
    assert_eq!(
        net.read(|ext| s::SUBNET_IDENTITIES_V3.try_get(ext, &NET)).unwrap().subnet_name,
        b"renamed"
    );
}
