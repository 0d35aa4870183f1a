//! The EVM quorum and failover against real chains: two anvils with the real bridge, one honest
//! and one "lying" (the same deployment, but its burn at the same height sends another amount to
//! another recipient, so its block differs too). The honest anvil is also reached through a
//! second URL, as a third provider.

use std::path::Path;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use alloy::network::{EthereumWallet, NetworkTransactionBuilder as _, TransactionBuilder as _};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall as _;
use url::Url;
use wtao_bridge_types::{BridgeDomain, mint_batch_digest, sign_digest};
use wtao_devnet::deploy::{DeployConfig, deploy};
use wtao_devnet::{Anvil, DEV_ACCOUNTS, Toolchain};
use wtao_relayer::config::TlsConfig;
use wtao_relayer::eth::{EthClient, ITaoBridge, Simulation};
use wtao_relayer::metrics::{self, Metrics};
use wtao_relayer::quorum::{Verdict, vote};
use wtao_relayer::store::{Burn, MintRecord};
use wtao_relayer::tls::ClientTls;

const DEADLINE: Duration = Duration::from_secs(60);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn key(i: usize) -> PrivateKeySigner {
    PrivateKeySigner::from_str(DEV_ACCOUNTS[i].1).unwrap()
}

fn tls() -> ClientTls {
    ClientTls::new(&TlsConfig::default()).unwrap()
}

async fn client(urls: &[Url], bridge: Address, signer: PrivateKeySigner) -> EthClient {
    let m = Arc::new(Metrics::new());
    EthClient::connect_all(urls, 31_337, bridge, signer, &tls(), Duration::from_secs(60), m)
        .await
        .unwrap()
}

/// `anvil_mine` `blocks` blocks on the anvil at `port`.
async fn mine(port: u16, blocks: u64) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"anvil_mine","params":[{blocks}]}}"#);
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200") && !out.contains("\"error\""), "{out}");
}

/// Wait for `tx` to be mined with success.
async fn mined(eth: &EthClient, tx: B256) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(r) = eth.receipt(tx).await.unwrap() {
            assert!(r.status(), "transaction {tx} reverted");
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{tx} not mined");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One anvil with the bridge (relayer = dev account 1, threshold 1), `amount` minted to dev
/// account 2 and burned by it to `recipient`; returns the RPC URL and the burn as the relayer
/// records it.
async fn chain_with_burn(
    toolchain: &Toolchain,
    dir: &Path,
    amount: u64,
    recipient: B256,
) -> (Anvil, Url, Address, Burn) {
    let (anvil, port) = super::anvil(toolchain, dir, &format!("anvil-{amount}"));
    let url: Url = anvil.endpoint().parse().unwrap();
    let config = DeployConfig {
        rpc_url: anvil.endpoint().to_owned(),
        deployer_key: DEV_ACCOUNTS[0].1.to_owned(),
        relayers: vec![DEV_ACCOUNTS[1].0.parse().unwrap()],
        threshold: 1,
        guardian: DEV_ACCOUNTS[0].0.parse().unwrap(),
        broadcast_dir: dir.join(format!("broadcast-{port}")),
    };
    let tc = toolchain.clone();
    let deployment =
        tokio::task::spawn_blocking(move || deploy(&tc, &config)).await.unwrap().unwrap();
    let bridge: Address = deployment.bridge;

    // Mint `amount` to the user with the relayer's signature.
    let relayer = client(std::slice::from_ref(&url), bridge, key(1)).await;
    let user = key(2);
    let mints = [MintRecord {
        nonce: 0,
        tao_sender: B256::repeat_byte(0x5a),
        recipient: user.address(),
        amount: wtao_bridge_types::Rao(amount),
    }];
    let digest = mint_batch_digest(
        &BridgeDomain::new(31_337, bridge),
        &mints.iter().map(|m| wtao_bridge_types::Mint::from(*m)).collect::<Vec<_>>(),
    );
    let sig = Bytes::from(sign_digest(key(1).credential(), digest).unwrap().to_vec());
    let Simulation::Ok(gas) =
        relayer.simulate_mint(&mints, std::slice::from_ref(&sig)).await.unwrap()
    else {
        panic!("mint would revert")
    };
    let nonce = relayer.account_nonce(true).await.unwrap();
    let fees = relayer.fees().await.unwrap();
    let tx = relayer.sign_mint(&mints, &[sig], nonce, gas, fees).await.unwrap();
    relayer.send_raw(&tx.raw).await.unwrap();
    mined(&relayer, tx.hash).await;

    // The user burns it all.
    let user_eth = client(std::slice::from_ref(&url), bridge, user.clone()).await;
    let input =
        ITaoBridge::burnCall { amount: U256::from(amount), taoRecipient: recipient }.abi_encode();
    let fees = user_eth.fees().await.unwrap();
    let burn_tx = TransactionRequest::default()
        .with_from(user.address())
        .with_to(bridge)
        .with_input(input)
        .with_chain_id(31_337)
        .with_nonce(user_eth.account_nonce(true).await.unwrap())
        .with_gas_limit(300_000)
        .with_max_fee_per_gas(fees.max_fee_per_gas)
        .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
        .build(&EthereumWallet::from(user))
        .await
        .unwrap();
    let hash = *burn_tx.tx_hash();
    user_eth.send_raw(&alloy::eips::Encodable2718::encoded_2718(&burn_tx)).await.unwrap();
    mined(&user_eth, hash).await;
    let receipt = user_eth.receipt(hash).await.unwrap().unwrap();
    let block = user_eth.block(receipt.block_number.unwrap()).await.unwrap().unwrap();
    let burns = user_eth.burns_in(block).await.unwrap();
    assert_eq!(burns.len(), 1, "{burns:?}");
    // Blocks on top, so both chains have a block at both burns' heights.
    mine(port, 5).await;
    (anvil, url, bridge, burns.into_iter().next().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_provider_is_outvoted_and_a_split_blocks_approval() {
    let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let toolchain = Toolchain::ensure(&root).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let honest_recipient = B256::repeat_byte(0x11);
    let (_a, honest, bridge, burn) =
        chain_with_burn(&toolchain, dir.path(), 5_000_000_000, honest_recipient).await;
    let (_b, liar, liar_bridge, forged) =
        chain_with_burn(&toolchain, dir.path(), 9_000_000_000, B256::repeat_byte(0xee)).await;
    assert_eq!(bridge, liar_bridge, "same deployer, same addresses");
    assert_eq!(burn.nonce, forged.nonce, "the same burn nonce, another burn");
    assert_ne!(burn.block_hash, forged.block_hash);
    assert!(burn.log_index.is_some());
    // The honest anvil again, through another URL: a third provider.
    let honest_again: Url = honest.as_str().replace("127.0.0.1", "localhost").parse().unwrap();

    // k = 2 of 3: the liar is outvoted; its forged burn is never confirmed.
    let three = client(&[liar.clone(), honest.clone(), honest_again], bridge, key(3)).await;
    assert_eq!(vote(three.voters(2), &burn, 2).await, Verdict::Confirmed { agree: 2 });
    // The liar's burn as it shows it: two providers report another block at that height, so
    // the burn is dropped as reorged out — never approved.
    assert_eq!(vote(three.voters(2), &forged, 2).await, Verdict::Reorged { other_block: 2 });

    // k = 2 of 2: honest and liar disagree, so the burn waits.
    let two = client(&[honest.clone(), liar.clone()], bridge, key(3)).await;
    let v = vote(two.voters(2), &burn, 2).await;
    assert_eq!(v, Verdict::Undecided { agree: 1, other_log: 0, other_block: 1, silent: 0 });
    assert!(v.disagreement());

    // k = 1 through the endpoint in use only (the liar, listed first): the single-provider trust
    // the quorum exists to remove.
    let v = vote(three.voters(1), &forged, 1).await;
    assert_eq!(v, Verdict::Confirmed { agree: 1 }, "one provider is believed alone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_endpoint_fails_over_to_the_next_once() {
    let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let toolchain = Toolchain::ensure(&root).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_anvil, port) = super::anvil(&toolchain, dir.path(), "anvil");
    let live: Url = format!("http://127.0.0.1:{port}").parse().unwrap();
    let dead: Url = format!("http://127.0.0.1:{}", free_port()).parse().unwrap();
    let m = Arc::new(Metrics::new());
    let eth = EthClient::connect_all(
        &[dead, live],
        31_337,
        Address::repeat_byte(1),
        key(3),
        &tls(),
        Duration::from_secs(60),
        m.clone(),
    )
    .await
    .unwrap();
    for _ in 0..5 {
        eth.head().await.unwrap();
    }
    assert_eq!(eth.endpoints().active(), 1);
    let text = m.render();
    assert_eq!(
        metrics::sample(&text, "rpc_failovers_total", &[("chain", "eth")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(metrics::sample(&text, "rpc_endpoint_index", &[("chain", "eth")]), Some(1.0));
    assert!(
        metrics::sample(&text, "rpc_call_seconds_count", &[("method", "head")]).unwrap() >= 5.0
    );
}
