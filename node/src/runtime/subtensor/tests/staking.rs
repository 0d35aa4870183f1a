//! `add_stake` / `remove_stake`: the ledger levels move together with balances; each error.

use super::*;
use crate::runtime::balances::EXISTENTIAL_DEPOSIT;
use crate::runtime::subtensor::hyperparameters::DEFAULT_MIN_STAKE;
use crate::runtime::subtensor::{Error, Event, staking};

fn ledger(net: &Net, hot: &Key, cold: &Key) -> (u64, u64, u64, u64) {
    net.read(|ext| {
        (
            staking::stake_of(ext, &hot.id(), &cold.id(), NET),
            staking::hotkey_stake(ext, &hot.id(), NET),
            s::SUBNET_TAO.get(ext, &NET),
            s::TOTAL_STAKE.get(ext),
        )
    })
}

#[test]
fn add_and_remove_move_tao_between_balance_and_stake() {
    let (mut net, keys) = net(4);
    let (cold, hot, nominator) = (&keys[1], &keys[2], &keys[3]);
    net.register(cold, hot, NET);
    let free = net.free(&cold.id());
    net.stake(cold, hot, NET, tao(100));
    assert!(net.subtensor_events().contains(&Event::StakeAdded(
        cold.id(),
        hot.id(),
        tao(100),
        tao(100),
        NET,
        0
    )));
    let fee = free - tao(100) - net.free(&cold.id());
    assert!(fee < 1_000_000);
    assert_eq!(ledger(&net, hot, cold), (tao(100), tao(100), tao(100), tao(100)));
    // A nominator on the same hotkey.
    net.stake(nominator, hot, NET, tao(50));
    assert_eq!(ledger(&net, hot, nominator), (tao(50), tao(150), tao(150), tao(150)));
    net.read(|ext| {
        assert_eq!(s::HOTKEY_STAKERS.get(ext, &hot.id(), &NET), vec![cold.id(), nominator.id()]);
        assert_eq!(s::STAKING_HOTKEYS.get(ext, &nominator.id()), vec![hot.id()]);
        let shares = s::TOTAL_HOTKEY_SHARES.get(ext, &hot.id(), &NET);
        assert_eq!(shares.to_bits() >> 64, u128::from(tao(150)), "one share per rao");
        assert_eq!(s::SUBNET_ALPHA_OUT.get(ext, &NET), tao(150));
    });

    // Partial, then more than staked (everything).
    let free = net.free(&cold.id());
    let call = Call::remove_stake { hotkey: hot.id(), netuid: NET, amount_unstaked: tao(40) };
    net.call(cold, call).unwrap();
    assert!(net.subtensor_events().contains(&Event::StakeRemoved(
        cold.id(),
        hot.id(),
        tao(40),
        tao(40),
        NET,
        0
    )));
    assert!(net.free(&cold.id()) > free + tao(40) - 1_000_000);
    assert_eq!(ledger(&net, hot, cold), (tao(60), tao(110), tao(110), tao(110)));
    let call = Call::remove_stake { hotkey: hot.id(), netuid: NET, amount_unstaked: u64::MAX };
    net.call(cold, call).unwrap();
    assert_eq!(ledger(&net, hot, cold), (0, tao(50), tao(50), tao(50)));
    net.read(|ext| {
        assert_eq!(s::HOTKEY_STAKERS.get(ext, &hot.id(), &NET), vec![nominator.id()]);
        assert_eq!(s::ALPHA.get(ext, &hot.id(), &cold.id(), &NET).to_bits(), 0);
    });
}

#[test]
fn add_stake_keeps_the_coldkey_alive() {
    let (mut net, keys) = net(3);
    let (cold, hot) = (&keys[1], &keys[2]);
    net.register(cold, hot, NET);
    // Ask for the whole balance: what is staked is capped at free − ED.
    net.write(|ext| {
        let free = crate::runtime::balances::free_balance(ext, &cold.id());
        let origin = crate::runtime::Origin::Signed(cold.id());
        staking::do_add_stake(ext, origin, &hot.id(), NET, free).unwrap();
        assert_eq!(staking::stake_of(ext, &hot.id(), &cold.id(), NET), free - EXISTENTIAL_DEPOSIT);
    });
    assert_eq!(net.free(&cold.id()), EXISTENTIAL_DEPOSIT);
}

#[test]
fn errors() {
    let (mut net, keys) = net(4);
    let (cold, hot, stranger) = (&keys[1], &keys[2], &keys[3]);
    let add = |netuid, amount| Call::add_stake { hotkey: hot.id(), netuid, amount_staked: amount };
    let remove =
        |netuid, amount| Call::remove_stake { hotkey: hot.id(), netuid, amount_unstaked: amount };
    assert_eq!(net.call(cold, add(NetUid(9), tao(1))), err(Error::SubnetNotExists));
    net.write(|ext| crate::runtime::subtensor::subnets::init_new_network(ext, NetUid(2), 10));
    net.write(|ext| s::SUBTOKEN_ENABLED.insert(ext, &NetUid(2), &false));
    assert_eq!(net.call(cold, add(NetUid(2), tao(1))), err(Error::SubtokenDisabled));
    assert_eq!(net.call(cold, add(NET, DEFAULT_MIN_STAKE - 1)), err(Error::AmountTooLow));
    assert_eq!(net.call(cold, add(NET, tao(20_000))), err(Error::NotEnoughBalanceToStake));
    assert_eq!(net.call(cold, add(NET, tao(1))), err(Error::HotKeyAccountNotExists));
    net.register(cold, hot, NET);
    net.stake(cold, hot, NET, tao(10));

    assert_eq!(net.call(cold, remove(NetUid(2), tao(1))), err(Error::SubtokenDisabled));
    assert_eq!(net.call(cold, remove(NetUid(9), tao(1))), err(Error::SubtokenDisabled));
    // Nothing staked by this coldkey: the amount clips to zero.
    assert_eq!(net.call(stranger, remove(NET, tao(1))), err(Error::AmountTooLow));
    // A partial unstake below the minimum.
    assert_eq!(net.call(cold, remove(NET, DEFAULT_MIN_STAKE - 1)), err(Error::AmountTooLow));
    // Removing everything may be tiny.
    net.write(|ext| {
        let hk = hot.id();
        let ck = stranger.id();
        staking::increase_stake(ext, &hk, &ck, NET, 7).unwrap();
    });
    net.call(stranger, remove(NET, 7)).unwrap();
    // The ledger itself refuses to go below zero (remove_stake clips before it gets there).
    let before = ledger(&net, hot, cold);
    net.write(|ext| {
        let r = staking::decrease_stake(ext, &hot.id(), &cold.id(), NET, before.0 + 1);
        assert_eq!(r, err(Error::NotEnoughStakeToWithdraw));
    });
    assert_eq!(ledger(&net, hot, cold), before, "nothing moved");
}

#[test]
fn dividends_are_credited_pro_rata_with_the_remainder_to_the_owner() {
    let (mut net, keys) = net(4);
    let (owner, hot, a) = (&keys[1], &keys[2], &keys[3]);
    net.register(owner, hot, NET);
    net.write(|ext| {
        staking::increase_stake(ext, &hot.id(), &owner.id(), NET, 3).unwrap();
        staking::increase_stake(ext, &hot.id(), &a.id(), NET, 7).unwrap();
        assert_eq!(staking::credit_stakers(ext, &hot.id(), NET, 1_000_003).unwrap(), 1_000_003);
    });
    net.read(|ext| {
        // 3/10 and 7/10 of 1_000_003, floored; the 1 rao remainder to the hotkey's owner.
        assert_eq!(staking::stake_of(ext, &hot.id(), &a.id(), NET), 7 + 700_002);
        assert_eq!(staking::stake_of(ext, &hot.id(), &owner.id(), NET), 3 + 300_000 + 1);
        assert_eq!(staking::hotkey_stake(ext, &hot.id(), NET), 10 + 1_000_003);
    });
}
