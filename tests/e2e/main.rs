//! End-to-end bridge scenarios with real processes: anvil, tao-node, three relayers (threshold 2).
//!
//! Every scenario checks the supply invariant (DESIGN §5.1: wTAO supply ≤ TAO in custody) after
//! each step and waits on conditions with deadlines, never on sleeps. Under every scenario a
//! poller checks it at each relayer poll interval too, and `Net::finish`, called last, checks
//! that every lock was minted or refunded exactly once and every burn released at most once
//! (see `wtao_e2e::invariants`).

mod lying;
mod outage;
mod relayer_set;

use std::time::Duration;

use alloy::primitives::{Address, U256};
use alloy::providers::Provider;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use tao_client::{AccountId32, Keypair, Rao, dev};
use wtao_devnet::DEV_ACCOUNTS;
use wtao_e2e::{ITaoBridge, Net, NetConfig, wait_for};

const TAO: u64 = 1_000_000_000;
const MINT_DEADLINE: Duration = Duration::from_secs(60);

fn fresh_tao_account(seed: &str) -> AccountId32 {
    wtao_relayer::keys::parse_suri(&format!("//e2e/{seed}")).unwrap().public_key().to_account_id()
}

fn user_key() -> PrivateKeySigner {
    DEV_ACCOUNTS[0].1.parse().unwrap()
}

/// Wait until `who` holds exactly `amount` wTAO.
async fn wait_wtao(net: &Net, who: Address, amount: u64) {
    let r = wait_for(&format!("{amount} rao wTAO at {who}"), MINT_DEADLINE, || async move {
        let b = net.wtao_balance(who).await?;
        net.check_supply_invariant().await?;
        Ok((b == U256::from(amount)).then_some(()))
    })
    .await;
    if let Err(e) = r {
        panic!("{e:#}\n{}", net.logs());
    }
}

/// Wait until `who` holds exactly `amount` rao on TAO.
async fn wait_tao(net: &Net, who: &AccountId32, amount: u64) {
    let r = wait_for(&format!("{amount} rao TAO at {who}"), MINT_DEADLINE, || async move {
        let b = net.tao.free_balance(who).await?;
        net.check_supply_invariant().await?;
        Ok((b.0 == amount).then_some(()))
    })
    .await;
    if let Err(e) = r {
        panic!("{e:#}\n{}", net.logs());
    }
}

async fn lock(net: &Net, who: &Keypair, amount: u64, to: Address) -> u64 {
    net.tao.lock(who, Rao(amount), to).await.unwrap().nonce
}

/// Stay at `expected` for `window` (used to show that nothing happens, e.g. no mint below the
/// threshold). The one place where time passing *is* the assertion.
async fn assert_stays(net: &Net, who: Address, expected: u64, window: Duration) {
    let end = std::time::Instant::now() + window;
    while std::time::Instant::now() < end {
        let b = net.wtao_balance(who).await.unwrap();
        assert_eq!(b, U256::from(expected), "balance of {who} changed\n{}", net.logs());
        net.check_supply_invariant().await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_three_locks_then_burn() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    let user = user_key();
    let (r1, r2) = (Address::repeat_byte(0x11), Address::repeat_byte(0x22));
    let amounts = [3 * TAO / 2, 2 * TAO + 7, 5 * TAO];
    // Three locks from three accounts at once: they usually share a block, i.e. one batch.
    let (eve, ferdie, alice) = (dev::eve(), dev::ferdie(), dev::alice());
    let (n1, n2, n3) = tokio::join!(
        lock(&net, &eve, amounts[0], r1),
        lock(&net, &ferdie, amounts[1], r2),
        lock(&net, &alice, amounts[2], user.address()),
    );
    let mut nonces = [n1, n2, n3];
    nonces.sort_unstable();
    assert_eq!(nonces, [0, 1, 2]);
    wait_wtao(&net, r1, amounts[0]).await;
    wait_wtao(&net, r2, amounts[1]).await;
    wait_wtao(&net, user.address(), amounts[2]).await;
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!(supply, amounts.iter().sum::<u64>());
    assert_eq!(supply, custody, "nothing in flight: supply equals custody");

    // Back home: burn part of it to a fresh TAO account.
    let home = fresh_tao_account("round-trip");
    let burned = 2 * TAO + 123;
    let nonce = net.burn(&user, burned, &home).await.unwrap();
    assert_eq!(nonce, 0);
    wait_tao(&net, &home, burned).await;
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!(supply, amounts.iter().sum::<u64>() - burned);
    assert_eq!(supply, custody);
    // Exactly one relayer's approval completed the release; each approved once.
    let mut minted = 0;
    for i in 0..3 {
        minted += net.metric(i, "batches_minted_by_us_total").await.unwrap();
    }
    assert!(minted >= 1, "{}", net.logs());

    // Operator metrics, scraped from the running relayers: every relayer counts the three
    // mints in the lock→mint latency histogram and the release as a completed transfer.
    let done = |d: &str| format!("transfers_completed_total{{direction=\"{d}\"}}");
    net.wait_metric_all(&done("tao_to_eth"), MINT_DEADLINE, |v| v == 3).await.unwrap();
    net.wait_metric_all(&done("eth_to_tao"), MINT_DEADLINE, |v| v == 1).await.unwrap();
    net.wait_metric_all("queue_depth{queue=\"batches\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    for i in 0..3 {
        let latency = "transfer_latency_seconds_count{direction=\"tao_to_eth\"}";
        assert_eq!(net.metric(i, latency).await.unwrap(), 3, "relayer {i}");
        let text = net.metrics(i).await.unwrap();
        for needle in [
            "# TYPE wtao_relayer_transfer_latency_seconds histogram",
            "# TYPE wtao_relayer_items_seen_total counter",
            "wtao_relayer_items_seen_total{direction=\"eth_to_tao\"} 1\n",
            "wtao_relayer_rpc_call_seconds_count{chain=\"eth\",method=\"logs\"}",
            "wtao_relayer_rpc_call_seconds_count{chain=\"tao\",method=\"submit\"}",
            "wtao_relayer_queue_depth{direction=\"eth_to_tao\",queue=\"burns\"}",
            "wtao_relayer_head_block{chain=\"tao\"}",
            "wtao_relayer_signer_balance_low 0\n",
        ] {
            assert!(text.contains(needle), "relayer {i}: no {needle:?} in\n{text}");
        }
    }
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_relayer_down_still_mints_two_down_waits() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    let r = Address::repeat_byte(0x33);
    net.kill_relayer(0);
    lock(&net, &dev::eve(), TAO, r).await;
    wait_wtao(&net, r, TAO).await;

    net.kill_relayer(1);
    let r2 = Address::repeat_byte(0x44);
    lock(&net, &dev::eve(), 2 * TAO, r2).await;
    // One relayer of three: below the threshold, nothing mints.
    assert_stays(&net, r2, 0, Duration::from_secs(6)).await;
    net.start_relayer(1).unwrap();
    wait_wtao(&net, r2, 2 * TAO).await;

    // The same for releases: one approval is not enough.
    net.kill_relayer(1);
    let home = fresh_tao_account("one-down");
    let user = user_key();
    // user has no wTAO yet: mint some to it first with two relayers up.
    net.start_relayer(0).unwrap();
    lock(&net, &dev::ferdie(), 3 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 3 * TAO).await;
    net.kill_relayer(0);
    net.burn(&user, TAO, &home).await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 0, "released with one approval");
    net.start_relayer(0).unwrap();
    wait_tao(&net, &home, TAO).await;
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_any_point_neither_loses_nor_doubles() {
    let mut net =
        Net::start(NetConfig { submit_delay_ms: 1_000, ..NetConfig::default() }).await.unwrap();
    // Kill relayers at staggered instants while a stream of locks goes through; restart them.
    let mut expected = Vec::new();
    for round in 0..6u8 {
        let to = Address::repeat_byte(0x50 + round);
        let amount = TAO + u64::from(round);
        let who = if round % 2 == 0 { dev::eve() } else { dev::ferdie() };
        let victim = usize::from(round) % 3;
        // Kill right after the lock lands (before/while signing), or a moment later (after
        // attesting / while the mint is in flight), and restart.
        let delay = Duration::from_millis(300 * u64::from(round));
        lock(&net, &who, amount, to).await;
        tokio::time::sleep(delay).await;
        net.kill_relayer(victim);
        net.start_relayer(victim).unwrap();
        expected.push((to, amount));
    }
    for (to, amount) in &expected {
        wait_wtao(&net, *to, *amount).await;
    }
    // Burns with kills too.
    let user = user_key();
    lock(&net, &dev::alice(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;
    let home = fresh_tao_account("kill9");
    for round in 0..3usize {
        net.burn(&user, TAO, &home).await.unwrap();
        tokio::time::sleep(Duration::from_millis(700 * round as u64)).await;
        net.kill_relayer(round);
        net.start_relayer(round).unwrap();
    }
    wait_tao(&net, &home, 3 * TAO).await;
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!(supply, custody);
    // Nothing more arrives later.
    assert_stays(&net, user.address(), 7 * TAO, Duration::from_secs(3)).await;
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 3 * TAO);
    net.finish().await.unwrap();
}

/// Arm `victims` with crash point `point` (a clean SIGTERM restart), run `act`, wait until at
/// least one victim aborted there, restart every victim unarmed. Returns who crashed.
async fn crash_round(
    net: &mut Net,
    point: &str,
    victims: &[usize],
    act: impl AsyncFnOnce(&Net),
) -> Vec<usize> {
    for &v in victims {
        assert!(net.stop_relayer(v).unwrap(), "relayer {v} did not stop cleanly on SIGTERM");
        net.start_relayer_with(v, Some(point)).unwrap();
        net.wait_healthy(v).await.unwrap();
    }
    act(net).await;
    let deadline = std::time::Instant::now() + MINT_DEADLINE;
    let mut crashed = Vec::new();
    while crashed.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no relayer reached `{point}`\n{}",
            net.logs()
        );
        crashed = net.exited().unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(crashed.iter().all(|c| victims.contains(c)), "{crashed:?} exited\n{}", net.logs());
    assert!(net.run_log(crashed[0]).contains("crashing on purpose"), "{}", net.logs());
    for &v in victims {
        if !crashed.contains(&v) {
            // Victims armed alike can reach the point together: one that aborts between the
            // poll above and this SIGTERM did not stop cleanly, and crashed like the others.
            let clean = net.stop_relayer(v).unwrap();
            if !clean && net.run_log(v).contains("crashing on purpose") {
                crashed.push(v);
            } else {
                assert!(clean, "relayer {v} did not stop cleanly\n{}", net.logs());
            }
        }
        net.start_relayer(v).unwrap();
    }
    crashed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_at_every_step_then_restart_neither_loses_nor_doubles() {
    let mut net =
        Net::start(NetConfig { submit_delay_ms: 1_000, ..NetConfig::default() }).await.unwrap();
    // TAO → ETH. Attesting: one relayer crashes, the other two carry the batch, and the crashed
    // one must come back without a second attestation. Minting: every relayer is armed, so
    // whichever submits first dies with the transaction recorded (not sent) or sent (not
    // confirmed), and must finish it after the restart.
    let mut expected = Vec::new();
    let rounds: [(&str, &[usize]); 4] = [
        ("signed", &[0]),
        ("attested", &[1]),
        ("mint_recorded", &[0, 1, 2]),
        ("mint_sent", &[0, 1, 2]),
    ];
    for (k, (point, victims)) in rounds.into_iter().enumerate() {
        let to = Address::repeat_byte(0xc0 + k as u8);
        let amount = TAO + k as u64;
        crash_round(&mut net, point, victims, async move |net: &Net| {
            lock(net, &dev::eve(), amount, to).await;
        })
        .await;
        expected.push((to, amount));
        wait_wtao(&net, to, amount).await;
    }
    // ETH → TAO.
    let user = user_key();
    lock(&net, &dev::ferdie(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;
    let home = fresh_tao_account("crash");
    let mut released = 0;
    for (point, victims) in [("burn_seen", &[2][..]), ("approved", &[0, 1, 2][..])] {
        let user = user.clone();
        let home2 = home;
        crash_round(&mut net, point, victims, async move |net: &Net| {
            net.burn(&user, TAO, &home2).await.unwrap();
        })
        .await;
        released += TAO;
        wait_tao(&net, &home, released).await;
    }
    // Everything settles: nothing pending, nothing twice.
    net.wait_metric_all("queue_depth{queue=\"batches\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    net.wait_metric_all("queue_depth{queue=\"burns\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    for (to, amount) in &expected {
        assert_eq!(net.wtao_balance(*to).await.unwrap(), U256::from(*amount));
    }
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, released);
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!(supply, custody);
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorged_out_burn_is_never_released_reincluded_once() {
    const CONF: u64 = 3;
    let mut net =
        Net::start(NetConfig { confirmations: CONF, ..NetConfig::default() }).await.unwrap();
    let user = user_key();
    lock(&net, &dev::eve(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;

    // From here on every EVM block is mined by the test, so the reorg is exact.
    net.interval_mining(0).await.unwrap();
    net.mine(CONF + 1).await.unwrap();
    net.wait_metric_all("queue_depth{queue=\"batches\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    let head = net.eth.get_block_number().await.unwrap();
    let snapshot: U256 = net.eth.raw_request("evm_snapshot".into(), ()).await.unwrap();

    // Old branch: three empty blocks, then the burn in head + 4, then one more block. The
    // relayers (3 confirmations) store the hashes of head + 1 and head + 2 but do not yet see
    // the burn.
    net.mine(3).await.unwrap();
    let home = fresh_tao_account("reorg");
    let p = net.wallet(&user).unwrap();
    let pending = ITaoBridge::new(net.bridge, &p)
        .burn(U256::from(4 * TAO), alloy::primitives::B256::from(home.0))
        .gas(200_000)
        .send()
        .await
        .unwrap();
    net.mine(1).await.unwrap();
    let receipt = pending.get_receipt().await.unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.block_number, Some(head + 4));
    net.mine(1).await.unwrap();
    net.wait_metric_all("next_block{chain=\"eth\"}", MINT_DEADLINE, |v| v == head + 3)
        .await
        .unwrap();

    // The reorg: back to `head`, and a new branch whose blocks differ (another transaction in
    // the first one) and that is long enough to confirm where the burn was.
    let reverted: bool = net.eth.raw_request("evm_revert".into(), (snapshot,)).await.unwrap();
    assert!(reverted);
    let other = net.wallet(&DEV_ACCOUNTS[4].1.parse().unwrap()).unwrap();
    let tx = alloy::rpc::types::TransactionRequest::default()
        .to(Address::repeat_byte(0x99))
        .value(U256::from(1));
    let _sent = other.send_transaction(tx).await.unwrap();
    net.mine(CONF + 6).await.unwrap();
    net.wait_metric_all("eth_reorgs_total", MINT_DEADLINE, |v| v >= 1).await.unwrap();
    net.wait_metric_all("next_block{chain=\"eth\"}", MINT_DEADLINE, |v| v == head + 7)
        .await
        .unwrap();
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 0, "{}", net.logs());
    assert_eq!(net.wtao_balance(user.address()).await.unwrap(), U256::from(10 * TAO));
    net.check_supply_invariant().await.unwrap();

    // The same burn again (nonce 0 again: the first one never happened): released once.
    net.interval_mining(1).await.unwrap();
    let nonce = net.burn(&user, 4 * TAO, &home).await.unwrap();
    assert_eq!(nonce, 0);
    wait_tao(&net, &home, 4 * TAO).await;
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!((supply, custody), (6 * TAO, 6 * TAO));
    net.wait_metric_all("queue_depth{queue=\"burns\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 4 * TAO);
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_mint_and_wrong_release_change_nothing() {
    use wtao_bridge_types::{BridgeDomain, Mint, mint_batch_digest, sign_digest, sort_signatures};
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    // A relayer key signs a mint for a lock that never happened; alone it is below threshold,
    // and tao-node refuses to store an attestation for a block without locks.
    let domain = BridgeDomain::new(31_337, net.bridge);
    let thief = Address::repeat_byte(0x66);
    let fake = [Mint::new(0, Default::default(), thief, Rao(1_000 * TAO))];
    let digest = mint_batch_digest(&domain, &fake);
    let key: PrivateKeySigner = DEV_ACCOUNTS[1].1.parse().unwrap();
    let sig = sign_digest(key.credential(), digest).unwrap();
    let sorted = sort_signatures(vec![(key.address(), sig)]).unwrap();
    let p = net.wallet(&user_key()).unwrap();
    let bridge = ITaoBridge::new(net.bridge, &p);
    let batch: Vec<ITaoBridge::Mint> = fake
        .iter()
        .map(|m| ITaoBridge::Mint {
            nonce: m.nonce,
            taoSender: m.taoSender,
            recipient: m.recipient,
            amount: m.amount,
        })
        .collect();
    let sigs = sorted.into_iter().map(|(_, s)| s.to_vec().into()).collect();
    let Err(err) = bridge.mint(batch, sigs).call().await else { panic!("forged mint accepted") };
    assert!(err.to_string().contains("revert"), "{err}");
    let tao_err = net.tao.attest(&net.relayer_key(0), 1, &sig).await.unwrap_err();
    assert_eq!(tao_err.module_error(), Some(("Bridge", "NoLocksInBlock")));

    // A relayer approves a release with a wrong amount for a real burn: the honest approvals
    // disagree with it, the nonce is blocked as a conflict, and nothing is paid.
    let user = user_key();
    lock(&net, &dev::eve(), 5 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 5 * TAO).await;
    let home = fresh_tao_account("forged");
    let nonce = net.burn(&user, TAO, &home).await.unwrap();
    // Front-run the honest relayers with relayer 2's TAO key and a wrong amount.
    let bad =
        net.tao.approve_release(&net.relayer_key(2), 31_337, nonce, home, Rao(100 * TAO)).await;
    assert!(bad.is_ok(), "{bad:?}");
    // The honest approvals conflict with it: the release is blocked, never paid.
    let conflicts = wait_for("a conflict reported", MINT_DEADLINE, || async {
        let mut c = 0;
        for i in 0..3 {
            c += net.metric(i, "conflicts_total").await.unwrap_or(0);
        }
        Ok((c > 0).then_some(c))
    })
    .await
    .unwrap();
    assert!(conflicts > 0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 0);
    assert_eq!(net.wtao_balance(thief).await.unwrap(), U256::ZERO);
    net.check_supply_invariant().await.unwrap();
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_bridge_holds_batches_until_unpause() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    let guardian = net.wallet(&net.guardian).unwrap();
    ITaoBridge::new(net.bridge, &guardian)
        .pause()
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let to = Address::repeat_byte(0x77);
    lock(&net, &dev::eve(), 2 * TAO, to).await;
    assert_stays(&net, to, 0, Duration::from_secs(6)).await;
    let held = net.metric(0, "mints_held_total").await.unwrap()
        + net.metric(1, "mints_held_total").await.unwrap()
        + net.metric(2, "mints_held_total").await.unwrap();
    assert!(held > 0, "relayers report held batches\n{}", net.logs());
    net.as_timelock(ITaoBridge::unpauseCall {}.abi_encode()).await.unwrap();
    wait_wtao(&net, to, 2 * TAO).await;
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stuck_mint_is_fee_bumped_and_minted_once() {
    let mut net =
        Net::start(NetConfig { bump_after_ms: 2_000, ..NetConfig::default() }).await.unwrap();
    // The EVM chain stalls: mint transactions sit in the mempool.
    net.interval_mining(0).await.unwrap();
    let to = Address::repeat_byte(0x91);
    lock(&net, &dev::eve(), TAO, to).await;
    let bumps = wait_for("a fee bump", MINT_DEADLINE, || async {
        let mut b = 0;
        for i in 0..3 {
            b += net.metric(i, "mint_fee_bumps_total").await?;
        }
        Ok((b > 0).then_some(b))
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", net.logs()));
    assert!(bumps > 0);
    assert_eq!(net.wtao_balance(to).await.unwrap(), U256::ZERO);
    // Blocks again: one of the transactions (the bumped one, or a backup relayer's) mints; the
    // others revert on the used nonce and are recognised as minted.
    net.interval_mining(1).await.unwrap();
    wait_wtao(&net, to, TAO).await;
    net.wait_metric_all("queue_depth{queue=\"batches\"}", MINT_DEADLINE, |v| v == 0).await.unwrap();
    assert_stays(&net, to, TAO, Duration::from_secs(3)).await;
    let (supply, custody) = net.check_supply_invariant().await.unwrap();
    assert_eq!(supply, custody);
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_batch_waits_for_the_window() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    // 3 TAO per 20 s: a 2 TAO batch fits, the next 2 TAO batch must wait for the refill.
    let limit = ITaoBridge::RateLimit { capacity: 3 * TAO, window: 20 };
    net.as_timelock(ITaoBridge::setMintLimitCall { limit }.abi_encode()).await.unwrap();
    let (a, b) = (Address::repeat_byte(0x81), Address::repeat_byte(0x82));
    lock(&net, &dev::eve(), 2 * TAO, a).await;
    wait_wtao(&net, a, 2 * TAO).await;
    let started = std::time::Instant::now();
    lock(&net, &dev::ferdie(), 2 * TAO, b).await;
    assert_stays(&net, b, 0, Duration::from_secs(3)).await;
    wait_wtao(&net, b, 2 * TAO).await;
    assert!(started.elapsed() >= Duration::from_secs(4), "minted before the window allowed");
    net.finish().await.unwrap();
}
