//! RPC outages: each chain's node goes away while locks and burns flow, and comes back on the
//! same port with its chain — anvil from the state it dumped on SIGTERM, tao-node from its base
//! path after a `kill -9`. The relayers must ride it out (no crash, no lost item, nothing twice);
//! `Net::finish` audits every lock and burn at the end.

use std::time::{Duration, Instant};

use alloy::primitives::{Address, U256};
use tao_client::{Keypair, Rao, TaoClient, dev};
use wtao_e2e::{Net, NetConfig};

use super::{TAO, fresh_tao_account, lock, user_key, wait_tao, wait_wtao};

/// How long a node stays away.
const OUTAGE: Duration = Duration::from_secs(6);

/// A lock of the stream and whether its inclusion was confirmed (a lock submitted as the node
/// died may or may not have made it).
struct Streamed {
    to: Address,
    amount: u64,
    confirmed: bool,
}

/// `count` locks by `who`, one after another, each to its own recipient (`base + k`), paced
/// 300 ms apart. A failed lock is not retried (it may have been included): the stream
/// reconnects to `url` and goes on with the next one.
async fn lock_stream(
    url: String,
    mut tao: TaoClient,
    who: Keypair,
    base: u8,
    count: u8,
) -> Vec<Streamed> {
    let mut out = Vec::new();
    for k in 0..count {
        let to = Address::repeat_byte(base + k);
        let amount = TAO / 10 + u64::from(k);
        let landed =
            tokio::time::timeout(Duration::from_secs(30), tao.lock(&who, Rao(amount), to)).await;
        let confirmed = matches!(landed, Ok(Ok(_)));
        out.push(Streamed { to, amount, confirmed });
        if !confirmed {
            let deadline = Instant::now() + Duration::from_secs(120);
            tao = loop {
                if let Ok(c) = TaoClient::connect(&url).await
                    && c.account_nonce(&who.public_key().to_account_id()).await.is_ok()
                {
                    break c;
                }
                assert!(Instant::now() < deadline, "tao-node did not come back at {url}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    out
}

/// Keep a node away for [`OUTAGE`], checking that no relayer crashes meanwhile: time passing is
/// the point here.
async fn ride_out(net: &mut Net) {
    let end = Instant::now() + OUTAGE;
    while Instant::now() < end {
        let crashed = net.crashed_relayers();
        assert!(
            crashed.is_empty(),
            "relayers {crashed:?} exited during the outage\n{}",
            net.logs()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every confirmed lock minted exactly; an unconfirmed one minted fully or not at all (the
/// audit then says it was minted iff it was locked).
async fn check_stream(net: &Net, stream: &[Streamed]) {
    for s in stream.iter().filter(|s| s.confirmed) {
        wait_wtao(net, s.to, s.amount).await;
    }
    for s in stream.iter().filter(|s| !s.confirmed) {
        let b = net.wtao_balance(s.to).await.unwrap();
        assert!(b == U256::ZERO || b == U256::from(s.amount), "{b} rao at {}", s.to);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anvil_restarted_from_its_state_loses_and_doubles_nothing() {
    // A mint lost from anvil's mempool is sent again after `bump_after_ms`.
    let mut net =
        Net::start(NetConfig { bump_after_ms: 3_000, ..NetConfig::default() }).await.unwrap();
    let user = user_key();
    lock(&net, &dev::alice(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;
    let home = fresh_tao_account("outage-anvil");
    let port = net.devnet.anvil.port();

    let stream =
        tokio::spawn(lock_stream(net.devnet.node.url(), net.tao.clone(), dev::eve(), 0xa0, 16));
    // Burns before the outage; the last one is mined but not yet confirmed when anvil stops.
    net.burn(&user, TAO, &home).await.unwrap();
    net.burn(&user, TAO + 1, &home).await.unwrap();
    net.stop_anvil();
    ride_out(&mut net).await;
    net.start_anvil().unwrap();
    assert_eq!(net.devnet.anvil.port(), port, "anvil came back on another port");
    // And after it.
    net.burn(&user, TAO + 2, &home).await.unwrap();

    let stream = stream.await.unwrap();
    assert!(stream.iter().all(|s| s.confirmed), "TAO was up: every lock lands");
    check_stream(&net, &stream).await;
    wait_tao(&net, &home, 3 * TAO + 3).await;
    assert!(net.crashed_relayers().is_empty(), "{}", net.logs());
    net.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tao_node_killed_and_restarted_loses_and_doubles_nothing() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    let user = user_key();
    lock(&net, &dev::alice(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;
    let home = fresh_tao_account("outage-tao");
    let url = net.devnet.node.url();

    let stream = tokio::spawn(lock_stream(url.clone(), net.tao.clone(), dev::eve(), 0xb0, 16));
    // Let a few locks through, then kill the node mid-stream.
    let first = wait_for_wtao_at(&net, Address::repeat_byte(0xb1)).await;
    assert!(first > U256::ZERO);
    net.burn(&user, TAO, &home).await.unwrap();
    net.kill_tao_node();
    // Burns go on on Ethereum while TAO is away: they are released after it is back.
    net.burn(&user, TAO + 1, &home).await.unwrap();
    ride_out(&mut net).await;
    net.restart_tao_node().await.unwrap();
    assert_eq!(net.devnet.node.url(), url, "tao-node came back on another port");
    net.burn(&user, TAO + 2, &home).await.unwrap();

    let stream = stream.await.unwrap();
    assert!(stream.iter().filter(|s| s.confirmed).count() >= 8, "most locks land");
    check_stream(&net, &stream).await;
    wait_tao(&net, &home, 3 * TAO + 3).await;
    assert!(net.crashed_relayers().is_empty(), "{}", net.logs());
    net.finish().await.unwrap();
}

/// Wait until `who` holds some wTAO; returns it.
async fn wait_for_wtao_at(net: &Net, who: Address) -> U256 {
    wtao_e2e::wait_for(&format!("wTAO at {who}"), super::MINT_DEADLINE, || async move {
        let b = net.wtao_balance(who).await?;
        Ok((b > U256::ZERO).then_some(b))
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", net.logs()))
}
