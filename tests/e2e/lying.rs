//! A lying EVM provider outvoted by the quorum: the full relayer set (3 relayers, threshold 2)
//! each configured with three EVM endpoints — the honest anvil, a liar (a proxy in front of it
//! that adds a forged `Burned` log to a real block, see `wtao_e2e::lying_rpc`) and the honest
//! anvil again through another URL — and `eth.quorum = 2`. Relayer 0 lists them in that order;
//! relayers 1 and 2 list the liar first, so it is the endpoint their EVM watcher reads and the
//! forged burn reaches two relayers (the threshold): only the quorum keeps it from being
//! released. The real burns, which all three providers report, are released once.

use std::time::{Duration, Instant};

use alloy::primitives::{B256, U256};
use tao_client::dev;
use wtao_e2e::lying_rpc::{ForgedBurn, LyingRpc};
use wtao_e2e::{ITaoBridge, Net, NetConfig, wait_for};

use super::{MINT_DEADLINE, TAO, fresh_tao_account, lock, user_key, wait_tao, wait_wtao};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_burn_from_a_lying_provider_is_never_released() {
    // Three confirmations: the forged log is in place before any relayer scans its block.
    let mut net = Net::start(NetConfig { confirmations: 3, ..NetConfig::default() }).await.unwrap();
    let honest = net.devnet.anvil.endpoint().to_owned();
    let honest_again = honest.replace("127.0.0.1", "localhost");
    let liar = LyingRpc::start(&honest, net.bridge).await.unwrap();
    let liar_url = liar.url().to_owned();
    for i in 0..3 {
        let urls = if i == 0 {
            vec![honest.clone(), liar_url.clone(), honest_again.clone()]
        } else {
            vec![liar_url.clone(), honest.clone(), honest_again.clone()]
        };
        net.set_eth_endpoints(i, urls, 2).await.unwrap();
    }

    // Mints go through the liar too (it forwards everything but the logs it forges).
    let user = user_key();
    lock(&net, &dev::alice(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;

    // A real burn; the liar adds a forged one to the same block, paying a thief.
    let home = fresh_tao_account("lying-home");
    let thief = fresh_tao_account("lying-thief");
    let p = net.wallet(&user).unwrap();
    let receipt = ITaoBridge::new(net.bridge, &p)
        .burn(U256::from(TAO), B256::from(home.0))
        .gas(200_000)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    liar.forge(ForgedBurn {
        block_number: receipt.block_number.unwrap(),
        block_hash: receipt.block_hash.unwrap(),
        nonce: 1_000,
        from: user.address(),
        tao_recipient: B256::from(thief.0),
        amount: U256::from(3 * TAO),
    });
    net.burn(&user, 2 * TAO, &home).await.unwrap();

    // The real burns: released once.
    wait_tao(&net, &home, 3 * TAO).await;
    // The forged one reached the relayers that read through the liar, and their quorum
    // refused it.
    let net_ref = &net;
    let liar_ref = &liar;
    wait_for("the relayers to see the forged burn and refuse it", MINT_DEADLINE, || async move {
        for i in 1..3 {
            if net_ref.metric(i, "eth_quorum_disagreements_total").await? == 0 {
                return Ok(None);
            }
        }
        Ok((liar_ref.forged_served() > 0).then_some(()))
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", net.logs()));
    // And stays refused: it is checked again and again, never paid.
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        assert_eq!(net.tao.free_balance(&thief).await.unwrap().0, 0, "{}", net.logs());
        net.check_supply_invariant().await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(net.tao.free_balance(&home).await.unwrap().0, 3 * TAO);
    assert_eq!(
        net.metric(0, "eth_quorum_disagreements_total").await.unwrap(),
        0,
        "relayer 0 reads the honest anvil"
    );
    net.finish().await.unwrap();
}
