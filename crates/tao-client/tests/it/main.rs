//! Integration tests: the real tao-node binary (built through `tao_node::test_utils::node_binary`,
//! so a fresh CARGO_TARGET_DIR works) driven through [`tao_client::TaoClient`].

mod bridge;
mod metadata;
mod subnet;

use std::future::Future;
use std::time::Duration;

use tao_client::{AccountId32, Keypair, Rao, TaoClient, dev};
use tao_node::test_utils::{TestNode, TestNodeConfig, node_binary};

const DEADLINE: Duration = Duration::from_secs(120);
const TAO: u64 = 1_000_000_000;

/// A dev node (`--dev --instant-seal`, fresh database) and a client connected to it.
struct Devnet {
    client: TaoClient,
    _node: TestNode,
    _dir: tempfile::TempDir,
}

async fn devnet() -> Devnet {
    let bin = node_binary().unwrap_or_else(|e| panic!("could not build tao-node: {e}"));
    let dir = tempfile::tempdir().unwrap();
    let node = TestNode::start(TestNodeConfig::dev(bin, dir.path())).expect("start tao-node");
    let client = within(TaoClient::connect(node.url())).await.expect("connect");
    Devnet { client, _node: node, _dir: dir }
}

async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(DEADLINE, f).await.expect("deadline passed")
}

fn id(k: &Keypair) -> AccountId32 {
    k.public_key().to_account_id()
}

#[tokio::test]
async fn transfer_moves_exactly_the_amount() {
    let net = devnet().await;
    let c = &net.client;
    let (alice, bob) = (dev::alice(), dev::bob());
    let (a0, b0) = (
        within(c.free_balance(&id(&alice))).await.unwrap(),
        within(c.free_balance(&id(&bob))).await.unwrap(),
    );
    assert_eq!(b0, Rao(1_000_000 * TAO));
    let amount = Rao(1_500_000_123);
    let tx = within(c.transfer(&alice, id(&bob), amount)).await.unwrap();
    assert!(tx.fee.0 > 0 && tx.block_number == 1, "{tx:?}");
    assert_eq!(within(c.free_balance(&id(&bob))).await.unwrap(), Rao(b0.0 + amount.0));
    assert_eq!(within(c.free_balance(&id(&alice))).await.unwrap(), Rao(a0.0 - amount.0 - tx.fee.0));
    // An unknown account reads as zero.
    assert_eq!(within(c.free_balance(&AccountId32([0x42; 32]))).await.unwrap(), Rao(0));
    // Below the existential deposit: included, failed, reported by name.
    let err = within(c.transfer(&alice, AccountId32([0x43; 32]), Rao(1))).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Balances", "ExistentialDeposit")), "{err}");
    assert_eq!(err.bridge_error(), None, "a Balances error is no Bridge error: {err}");
}

/// `connect_with_tls` over plain `ws://` (the devnet; the relayer always connects this way, its
/// TLS settings applying to `wss://` only), and a refused connection reported as a handshake.
#[tokio::test]
async fn connect_with_tls_speaks_plain_ws_and_reports_handshakes() {
    let net = devnet().await;
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let client = within(TaoClient::connect_with_tls(net._node.url(), tls.clone())).await.unwrap();
    let alice = within(client.free_balance(&id(&dev::alice()))).await.unwrap();
    assert!(alice > Rao(0));
    // A port nobody listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed = format!("ws://127.0.0.1:{port}");
    let err = within(TaoClient::connect_with_tls(&closed, tls)).await.unwrap_err();
    assert!(matches!(err, tao_client::TaoClientError::Handshake { .. }), "{err:?}");
    assert!(err.to_string().contains(&closed), "{err}");
}
