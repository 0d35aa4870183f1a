//! A relayer-set change mid-stream: relayer-3 is removed on both chains (sudo on tao-node, the
//! timelock on TaoBridge) while a lock and a burn are in flight, then more locks and burns
//! follow. tao-node refuses relayer-3's later attestations (`UnknownSigner`) and approvals
//! (`NotRelayer`): relayer-3 finishes those items with the reason instead of retrying them
//! forever, and relayers 1 and 2 (2 of 2 now) mint and release everything — nothing lost,
//! nothing twice (`Net::finish` audits both).

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolCall;
use tao_client::{RelayerInfo, dev};
use wtao_e2e::{ITaoBridge, Net, NetConfig, wait_for};
use wtao_relayer::store::{Stage, Store};

use super::{MINT_DEADLINE, TAO, fresh_tao_account, lock, user_key, wait_tao, wait_wtao};

/// Relayer `i`'s `/status` document.
async fn status(net: &Net, i: usize) -> eyre::Result<serde_json::Value> {
    let response = wtao_relayer::metrics::get(net.relayers()[i].metrics_addr(), "/status").await?;
    let body = response.split_once("\r\n\r\n").map_or(response.as_str(), |(_, b)| b);
    Ok(serde_json::from_str(body)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relayer_removed_mid_stream_finishes_its_refused_items_and_the_rest_flows() {
    let mut net = Net::start(NetConfig::default()).await.unwrap();
    let user = user_key();
    // wTAO to burn later, minted while all three relayers count.
    lock(&net, &dev::alice(), 10 * TAO, user.address()).await;
    wait_wtao(&net, user.address(), 10 * TAO).await;

    // In flight while the set changes: one lock, one burn.
    let (to_a, to_b, to_c) =
        (Address::repeat_byte(0x51), Address::repeat_byte(0x52), Address::repeat_byte(0x53));
    let (home_1, home_2, home_3) =
        (fresh_tao_account("set-1"), fresh_tao_account("set-2"), fresh_tao_account("set-3"));
    lock(&net, &dev::eve(), TAO, to_a).await;
    net.burn(&user, TAO, &home_1).await.unwrap();

    // Remove relayer-3 on both chains: 2 of the remaining 2.
    let keep: Vec<RelayerInfo> = (0..2)
        .map(|i| RelayerInfo {
            account: net.relayer_key(i).public_key().to_account_id(),
            eth_address: net.relayer_eth(i),
        })
        .collect();
    net.tao.sudo_set_relayers(&dev::alice(), &keep, 2).await.unwrap();
    let mut eth_set = vec![net.relayer_eth(0), net.relayer_eth(1)];
    eth_set.sort();
    let call = ITaoBridge::setRelayersCall { relayers: eth_set, threshold: U256::from(2) };
    net.as_timelock(call.abi_encode()).await.unwrap();

    // After the change: relayer-3's attestations and approvals of these are refused for good.
    lock(&net, &dev::ferdie(), 2 * TAO, to_b).await;
    net.burn(&user, 2 * TAO, &home_2).await.unwrap();
    lock(&net, &dev::dave(), 3 * TAO, to_c).await;
    net.burn(&user, 3 * TAO, &home_3).await.unwrap();

    // Everything still mints and releases, exactly.
    wait_wtao(&net, to_a, TAO).await;
    wait_wtao(&net, to_b, 2 * TAO).await;
    wait_wtao(&net, to_c, 3 * TAO).await;
    wait_tao(&net, &home_1, TAO).await;
    wait_tao(&net, &home_2, 2 * TAO).await;
    wait_tao(&net, &home_3, 3 * TAO).await;
    wait_wtao(&net, user.address(), 4 * TAO).await;

    // Relayer-3 lists the burns it may no longer approve as failed, with tao-node's reason,
    // and holds nothing open or parked: its queues drained instead of stalling.
    let netr = &net;
    let doc = wait_for("relayer-3 to finish its refused approvals", MINT_DEADLINE, || async move {
        let doc = status(netr, 2).await?;
        let refused = doc["failed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| {
                f["kind"] == "burn"
                    && f["reason"].as_str().is_some_and(|r| r.contains("NotRelayer"))
            })
            .count();
        let open: u64 = ["attest", "approve"]
            .iter()
            .map(|s| doc["stages"][s]["open"].as_u64().unwrap_or(u64::MAX))
            .sum();
        Ok((refused >= 2 && open == 0).then_some(doc))
    })
    .await
    .unwrap_or_else(|e| panic!("{e:#}\n{}", net.logs()));
    eprintln!("relayer-3 status: {doc:#}");
    // Relayers 1 and 2 refused nothing.
    for i in 0..2 {
        let doc = status(&net, i).await.unwrap();
        assert_eq!(doc["failed"], serde_json::json!([]), "relayer {i}: {doc:#}");
    }

    // Stopped, `wtao-relayer status` reads the same from its store.
    assert!(net.stop_relayer(2).unwrap(), "relayer-3 was running");
    let out = std::process::Command::new(wtao_e2e::relayer_binary().unwrap())
        .arg("status")
        .arg("--config")
        .arg(net.relayers()[2].config_path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("wtao-relayer status (relayer-3, stopped):\n{report}");
    assert!(out.status.success(), "{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.contains("failed for good") && report.contains("NotRelayer"), "{report}");

    // Relayer-3's refused attestations are recorded in its store with tao-node's reason.
    let store = Store::open(&net.relayers()[2].db_path()).unwrap();
    let refused: Vec<u64> = store
        .batches()
        .unwrap()
        .into_iter()
        .filter(|b| b.attest_error.as_deref().is_some_and(|e| e.contains("UnknownSigner")))
        .map(|b| b.block)
        .collect();
    assert!(refused.len() >= 2, "relayer-3's refused attestations: {refused:?}\n{}", net.logs());
    assert!(store.open_items(Stage::Attest).unwrap().is_empty());
    drop(store);
    net.finish().await.unwrap();
}
