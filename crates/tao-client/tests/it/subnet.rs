//! Subnet helpers through the typed client on a `--dev` node with 100 ms blocks: the demo
//! subnet (netuid 1, tempo 10) gets a validator and a miner, and an epoch pays both.

use std::time::Instant;

use tao_client::{AdminUtilsCall, Rao, TaoClient, dev};
use tao_node::test_utils::{TestNode, TestNodeConfig, node_binary};

use super::{DEADLINE, TAO, id, within};

const NETUID: u16 = 1;

#[tokio::test]
async fn register_stake_weights_and_read_the_metagraph() {
    let bin = node_binary().unwrap_or_else(|e| panic!("could not build tao-node: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let mut config = TestNodeConfig::dev(bin, dir.path());
    config.args = vec!["--dev".into(), "--block-time".into(), "100ms".into()];
    let node = TestNode::start(config).expect("start tao-node");
    let c = within(TaoClient::connect(node.url())).await.expect("connect");
    let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());

    assert_eq!(within(c.netuids()).await.unwrap(), vec![0, NETUID]);
    let rate_limit = AdminUtilsCall::sudo_set_weights_set_rate_limit {
        netuid: NETUID,
        weights_set_rate_limit: 0,
    };
    within(c.sudo_admin_utils(&alice, rate_limit)).await.unwrap();
    let v = within(c.burned_register(&bob, NETUID, id(&bob))).await.unwrap();
    let m = within(c.burned_register(&charlie, NETUID, id(&charlie))).await.unwrap();
    assert_eq!((v, m), (1, 2));
    assert_eq!(within(c.uid(NETUID, &id(&charlie))).await.unwrap(), Some(m));
    within(c.add_stake(&bob, id(&bob), NETUID, Rao(100 * TAO))).await.unwrap();
    assert_eq!(within(c.stake(&id(&bob), &id(&bob), NETUID)).await.unwrap(), Rao(100 * TAO));
    let axon = within(c.serve_axon(&charlie, NETUID, "10.0.0.2".parse().unwrap(), 8091, 4)).await;
    axon.unwrap();

    // Weights need a validator permit, granted by an epoch.
    let start = Instant::now();
    loop {
        let mg = within(c.metagraph(NETUID)).await.unwrap();
        if mg.validator_permit.get(usize::from(v)).copied().unwrap_or(false) {
            break;
        }
        assert!(start.elapsed() < DEADLINE, "no permit: {mg:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    within(c.set_weights(&bob, NETUID, &[(m, 1)], 0)).await.unwrap();
    let err = within(c.set_weights(&charlie, NETUID, &[(v, 1)], 0)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("SubtensorModule", "NeuronNoValidatorPermit")), "{err}");
    loop {
        let mg = within(c.metagraph(NETUID)).await.unwrap();
        let m = usize::from(m);
        if mg.incentive[m] > 0 && mg.stake[m].0 > 0 {
            assert_eq!(mg.hotkeys[m], id(&charlie));
            assert!(mg.dividends[usize::from(v)] > 0, "{mg:?}");
            assert!(mg.emission[m].0 > 0 && mg.consensus[m] > 0, "{mg:?}");
            break;
        }
        assert!(start.elapsed() < DEADLINE, "no incentive: {mg:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let owner_before = within(c.free_balance(&id(&alice))).await.unwrap();
    let netuid = within(c.register_network(&alice, id(&alice))).await.unwrap();
    assert_eq!(netuid, 2);
    assert!(within(c.free_balance(&id(&alice))).await.unwrap().0 < owner_before.0 - 1_000 * TAO);
}

#[tokio::test]
async fn commitments_axons_block_hashes_and_the_epoch_schedule() {
    let bin = node_binary().unwrap_or_else(|e| panic!("could not build tao-node: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let mut config = TestNodeConfig::dev(bin, dir.path());
    config.args = vec!["--dev".into(), "--block-time".into(), "100ms".into()];
    let node = TestNode::start(config).expect("start tao-node");
    let c = within(TaoClient::connect(node.url())).await.expect("connect");
    let charlie = dev::charlie();
    within(c.burned_register(&charlie, NETUID, id(&charlie))).await.unwrap();
    assert_eq!(within(c.commitment(NETUID, &id(&charlie), None)).await.unwrap(), None);
    assert_eq!(within(c.axon(NETUID, &id(&charlie))).await.unwrap(), None);

    // A 49-byte commitment is one Raw49 field, free, read back with its block.
    let bytes: Vec<u8> = (0..49).collect();
    let r = within(c.commit_raw(&charlie, NETUID, &bytes)).await.unwrap();
    assert_eq!(r.fee, Rao(0), "set_commitment pays no fee");
    let read = within(c.commitment(NETUID, &id(&charlie), None)).await.unwrap().unwrap();
    assert_eq!((read.block, read.bytes), (r.block_number, bytes.clone()));
    let before = within(c.commitment(NETUID, &id(&charlie), Some(r.block_number - 1))).await;
    assert_eq!(before.unwrap(), None, "not there before its block");
    let err = within(c.commit_raw(&charlie, NETUID, &[0; 129])).await.unwrap_err();
    assert!(err.to_string().contains("at most 128 bytes"), "{err}");

    // serve_axon is free too (Pays::No, as subtensor) and reads back as an endpoint.
    let r = within(c.serve_axon(&charlie, NETUID, "10.0.0.2".parse().unwrap(), 8091, 4)).await;
    let r = r.unwrap();
    assert_eq!(r.fee, Rao(0), "serve_axon pays no fee");
    let axon = within(c.axon(NETUID, &id(&charlie))).await.unwrap().unwrap();
    assert_eq!((axon.ip.to_string(), axon.port, axon.protocol), ("10.0.0.2".into(), 8091, 4));
    assert_eq!(axon.block, r.block_number);

    // The schedule: once an epoch has run, the current window opened at its block
    // (LastEpochBlock), less than a tempo ago.
    let start = Instant::now();
    let info = loop {
        let info = within(c.epoch_info(NETUID)).await.unwrap();
        if info.epoch_index > 0 {
            break info;
        }
        assert!(start.elapsed() < DEADLINE, "no epoch: {info:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(info.tempo, 10);
    assert!(info.last_epoch_block <= info.block && info.block < info.last_epoch_block + 10);
    let hash = within(c.block_hash(info.last_epoch_block)).await.unwrap().unwrap();
    let at = c.subxt().at_block(info.last_epoch_block).await.unwrap();
    assert_eq!(hash, at.block_hash());
    assert_eq!(within(c.block_hash(u64::from(u32::MAX))).await.unwrap(), None);
}
