//! TLS against real endpoints: anvil and tao-node behind a TLS-terminating proxy (tokio-rustls)
//! whose certificate a test CA (rcgen) signed. The relayer's clients connect through
//! `https://` and `wss://` when that CA is configured, and refuse — saying why — when the
//! certificate comes from a CA they do not trust.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use futures::StreamExt as _;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tao_client::{Rao, dev};
use tao_node::test_utils::{TestNode, TestNodeConfig, node_binary};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use url::Url;
use wtao_devnet::{Anvil, Toolchain};
use wtao_relayer::config::TlsConfig;
use wtao_relayer::error::{RelayerError, TlsError};
use wtao_relayer::eth::EthClient;
use wtao_relayer::tls::ClientTls;

use crate::cli::{CONFIG, relayer_with, text};

const DEADLINE: Duration = Duration::from_secs(120);

async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(DEADLINE, f).await.expect("deadline passed")
}

/// A CA: its certificate (PEM) and what signs with it.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = params.self_signed(&key).unwrap();
    Ca { pem: cert.pem(), issuer: Issuer::new(params, key) }
}

/// A server certificate for 127.0.0.1 and localhost signed by `ca`, as a rustls server config.
fn server_config(ca: &Ca) -> Arc<ServerConfig> {
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    let cert = params.signed_by(&key, &ca.issuer).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    Arc::new(config)
}

/// Terminate TLS on a free local port and pipe each connection to `backend` in the clear.
/// Runs until the test's runtime stops.
async fn tls_proxy(backend: SocketAddr, config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake ends here; the client reports it.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Ok(mut upstream) = TcpStream::connect(backend).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    addr
}

/// Real anvil and tao-node, each behind its own TLS proxy.
struct Endpoints {
    https: Url,
    wss: Url,
    _anvil: Anvil,
    _node: TestNode,
    _dir: tempfile::TempDir,
}

async fn endpoints(server: Arc<ServerConfig>) -> Endpoints {
    let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let toolchain = Toolchain::ensure(&root).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (anvil, port) = super::anvil(&toolchain, dir.path(), "anvil");
    let anvil_addr = SocketAddr::from(([127, 0, 0, 1], port));
    let bin = node_binary().unwrap_or_else(|e| panic!("could not build tao-node: {e}"));
    let node = TestNode::start(TestNodeConfig::dev(bin, dir.path())).unwrap();
    let eth_proxy = tls_proxy(anvil_addr, server.clone()).await;
    let tao_proxy = tls_proxy(node.addr().parse().unwrap(), server).await;
    Endpoints {
        https: format!("https://{eth_proxy}").parse().unwrap(),
        wss: format!("wss://{tao_proxy}").parse().unwrap(),
        _anvil: anvil,
        _node: node,
        _dir: dir,
    }
}

fn trusting(dir: &Path, ca: &Ca) -> ClientTls {
    let path = dir.join("ca.pem");
    std::fs::write(&path, &ca.pem).unwrap();
    ClientTls::new(&TlsConfig { ca_file: Some(path), system_roots: false }).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_clients_connect_through_tls_with_the_configured_ca() {
    let test_ca = ca("wtao test CA");
    let net = endpoints(server_config(&test_ca)).await;
    let dir = tempfile::tempdir().unwrap();
    let tls = trusting(dir.path(), &test_ca);

    // EVM: the chain id check at connect is a JSON-RPC call through TLS.
    let eth = within(EthClient::connect(
        &net.https,
        31_337,
        Address::repeat_byte(0xaa),
        PrivateKeySigner::random(),
        &tls,
    ))
    .await
    .unwrap();
    assert_eq!(eth.chain_id(), 31_337);

    // TAO: metadata download, storage reads and a subscription, all over wss://.
    let tao = within(tls.connect_tao(&net.wss)).await.unwrap();
    let balance = within(tao.free_balance(&dev::alice().public_key().to_account_id())).await;
    assert!(balance.unwrap() > Rao(0));
    let mut blocks = within(tao.finalized_blocks()).await.unwrap();
    let head = within(blocks.next()).await.expect("stream open").unwrap();
    // A transaction, followed to finalization through the subscription (the dev node seals a
    // block per transaction), and the stream's next block is its block.
    let bob = dev::bob().public_key().to_account_id();
    let tx = within(tao.transfer(&dev::alice(), bob, Rao(1_000_000_000))).await.unwrap();
    assert_eq!(tx.block_number, head.number + 1);
    let next = within(blocks.next()).await.expect("stream open").unwrap();
    assert_eq!(next.number, tx.block_number);

    // The binary, configured by file: a relative `ca_file`, https:// and wss:// endpoints. It
    // gets through both TLS connections to the first check that needs a deployed bridge.
    std::fs::write(dir.path().join("test-ca.pem"), &test_ca.pem).unwrap();
    let config = CONFIG
        .replace("ws://127.0.0.1:9944", net.wss.as_str())
        .replace("http://127.0.0.1:8545", net.https.as_str());
    let config = format!("{config}[tls]\nca_file = \"test-ca.pem\"\nsystem_roots = false\n");
    std::fs::write(dir.path().join("r.toml"), config).unwrap();
    let out = tokio::task::spawn_blocking({
        let dir = dir.path().to_owned();
        move || {
            relayer_with(
                &["run", "--dev", "--config", "r.toml"],
                &dir,
                &[
                    (
                        "WTAO_RELAYER_DEV_ETH_KEY",
                        "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
                    ),
                    ("WTAO_RELAYER_DEV_TAO_SURI", "//Bob"),
                    ("WTAO_RELAYER_METRICS_ADDR", ""),
                ],
            )
        }
    })
    .await
    .unwrap();
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("bridge domain"), "expected to pass TLS and stop at the domain check: {t}");
    assert!(!t.contains("TLS"), "{t}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_an_untrusted_ca_is_refused_with_the_reason() {
    let test_ca = ca("wtao test CA");
    let net = endpoints(server_config(&test_ca)).await;
    let dir = tempfile::tempdir().unwrap();
    // Trusts another CA only.
    let tls = trusting(dir.path(), &ca("some other CA"));
    let explained = |e: RelayerError| {
        let RelayerError::Tls(TlsError::Handshake { url, failure }) = &e else {
            panic!("not a TLS handshake error: {e:?}")
        };
        let text = e.to_string();
        assert!(text.contains(url.as_str()), "{text}");
        assert!(text.contains("not signed by a trusted CA"), "{text}");
        assert!(text.contains("tls.ca_file"), "{text}");
        assert!(
            matches!(
                failure.error(),
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
            ),
            "{failure:?}"
        );
    };
    let err = within(EthClient::connect(
        &net.https,
        31_337,
        Address::repeat_byte(0xaa),
        PrivateKeySigner::random(),
        &tls,
    ))
    .await
    .unwrap_err();
    explained(err);
    explained(within(tls.connect_tao(&net.wss)).await.unwrap_err());

    // The system's roots alone do not trust a test CA either (or, on a machine without a
    // system store, nothing is trusted and the endpoint is refused up front).
    let system = ClientTls::new(&TlsConfig::default()).unwrap();
    match within(system.connect_tao(&net.wss)).await.unwrap_err() {
        RelayerError::Tls(TlsError::NoRoots { .. }) => {}
        e => explained(e),
    }
}
