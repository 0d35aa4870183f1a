//! The devnet's pieces against the real tools: anvil from the pinned toolchain, the project's
//! deploy script through forge, checked with the pinned `cast`; and the refusals of
//! `Devnet::up` that must happen before anything is started or wiped.
//!
//! The whole network (with tao-node and the relayers) is brought up by the CLI's integration
//! tests (`wtao devnet up` as a user runs it) and the end-to-end scenarios in `tests/`.

use std::{path::Path, process::Command};

use alloy_primitives::Address;
use wtao_devnet::{
    Anvil, AnvilConfig, Binaries, DeployConfig, Devnet, DevnetConfig, DevnetError, Layout, Owner,
    Toolchain, accounts, deploy, lock::FileLock,
};

fn root() -> std::path::PathBuf {
    Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn cast(toolchain: &Toolchain, args: &[&str]) -> String {
    let out = Command::new(toolchain.cast()).args(args).output().unwrap();
    assert!(out.status.success(), "cast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn anvil(toolchain: &Toolchain, dir: &Path, relayers: usize) -> Anvil {
    Anvil::spawn(
        &AnvilConfig {
            program: toolchain.anvil(),
            port: 0,
            chain_id: 31_337,
            accounts: accounts::anvil_accounts(relayers),
            state_file: Some(dir.join("state.json")),
            log: dir.join("anvil.log"),
            config_out: dir.join("accounts.json"),
            port_flag: "--anvil-port",
        },
        relayers,
    )
    .unwrap()
}

/// Deploys with `n` relayers (anvil 1..=n) and threshold `m`; the guardian is anvil n + 1.
fn deploy_n(
    toolchain: &Toolchain,
    anvil: &Anvil,
    dir: &Path,
    n: usize,
    m: usize,
) -> wtao_devnet::Deployment {
    let accounts = anvil.accounts();
    let mut relayers: Vec<Address> =
        (0..n).map(|i| accounts[accounts::relayer_eth_index(i)].address).collect();
    relayers.sort();
    deploy::deploy(
        toolchain,
        &DeployConfig {
            rpc_url: anvil.endpoint().to_owned(),
            deployer_key: accounts[0].private_key.clone(),
            relayers,
            threshold: m,
            guardian: accounts[accounts::guardian_eth_index(n)].address,
            broadcast_dir: dir.join("broadcast"),
        },
    )
    .unwrap()
}

#[test]
fn anvil_deploys_wires_and_resumes_from_its_state() {
    let toolchain = Toolchain::ensure(&root()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = anvil(&toolchain, dir.path(), 3);
    assert_eq!(chain.accounts().len(), 10);
    assert_eq!(chain.accounts()[1].address.to_checksum(None), wtao_devnet::DEV_ACCOUNTS[1].0);
    let d = deploy_n(&toolchain, &chain, dir.path(), 3, 2);
    let rpc = chain.endpoint().to_owned();
    let call = |to: Address, sig: &str| {
        cast(&toolchain, &["call", &to.to_string(), sig, "--rpc-url", &rpc])
    };

    assert_eq!(call(d.bridge, "threshold()(uint256)"), "2");
    assert_eq!(call(d.bridge, "wtao()(address)").parse::<Address>().unwrap(), d.wtao);
    assert_eq!(call(d.bridge, "timelock()(address)").parse::<Address>().unwrap(), d.timelock);
    assert_eq!(call(d.wtao, "decimals()(uint8)"), "9");
    assert_eq!(
        call(d.bridge, "guardian()(address)").parse::<Address>().unwrap(),
        chain.accounts()[4].address
    );
    // The deployer kept no admin role on the timelock.
    let admin_role = call(d.timelock, "DEFAULT_ADMIN_ROLE()(bytes32)");
    let deployer = chain.accounts()[0].address.to_string();
    let has_role = cast(
        &toolchain,
        &[
            "call",
            &d.timelock.to_string(),
            "hasRole(bytes32,address)(bool)",
            &admin_role,
            &deployer,
            "--rpc-url",
            &rpc,
        ],
    );
    assert_eq!(has_role, "false");

    chain.interval_mining(1).unwrap();
    let height = chain.block_number().unwrap();
    assert!(height > 0);
    chain.stop(); // anvil dumps its state on SIGTERM
    assert!(dir.path().join("state.json").is_file());

    let again = anvil(&toolchain, dir.path(), 3);
    assert!(again.has_code(&d.bridge.to_string()).unwrap(), "the resumed chain lost the bridge");
    assert!(again.block_number().unwrap() >= height);
    let rpc = again.endpoint();
    assert_eq!(
        cast(
            &toolchain,
            &["call", &d.bridge.to_string(), "threshold()(uint256)", "--rpc-url", rpc]
        ),
        "2"
    );
}

#[test]
fn a_sub_second_block_time_restarts_anvil_on_its_port_with_its_chain() {
    let toolchain = Toolchain::ensure(&root()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = anvil(&toolchain, dir.path(), 3);
    let (port, endpoint) = (chain.port(), chain.endpoint().to_owned());
    // A block in automine, to find again after the restart.
    let to = Address::repeat_byte(0x42).to_string();
    let key = chain.accounts()[0].private_key.clone();
    cast(&toolchain, &["send", &to, "--value", "7", "--private-key", &key, "--rpc-url", &endpoint]);
    let hash = cast(&toolchain, &["block", "1", "-f", "hash", "--rpc-url", &endpoint]);

    chain.set_block_time(std::time::Duration::from_millis(200)).unwrap();
    assert_eq!(
        (chain.port(), chain.endpoint()),
        (port, endpoint.as_str()),
        "moved to another port"
    );
    assert_eq!(cast(&toolchain, &["block", "1", "-f", "hash", "--rpc-url", &endpoint]), hash);
    assert_eq!(cast(&toolchain, &["balance", &to, "--rpc-url", &endpoint]), "7");
    // Five blocks a second now: ten blocks well within ten seconds.
    let start = chain.block_number().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while chain.block_number().unwrap() < start + 10 {
        assert!(std::time::Instant::now() < deadline, "anvil mines slower than 200 ms blocks");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // An outage: stopped, the port refuses; started again, the chain and the mining go on.
    chain.stop();
    assert!(chain.block_number().is_err(), "anvil still answers after stop");
    chain.start().unwrap();
    assert_eq!(chain.port(), port);
    assert_eq!(cast(&toolchain, &["block", "1", "-f", "hash", "--rpc-url", &endpoint]), hash);
    let height = chain.block_number().unwrap();
    assert!(height >= start + 10, "the restarted chain lost blocks: {height}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while chain.block_number().unwrap() < height + 5 {
        assert!(std::time::Instant::now() < deadline, "no interval mining after the restart");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn five_relayers_get_their_own_accounts_and_the_guardian_does_not_collide() {
    let toolchain = Toolchain::ensure(&root()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let chain = anvil(&toolchain, dir.path(), 5);
    let d = deploy_n(&toolchain, &chain, dir.path(), 5, 3);
    let rpc = chain.endpoint();
    let bridge = d.bridge.to_string();
    let set = cast(&toolchain, &["call", &bridge, "relayers()(address[])", "--rpc-url", rpc])
        .to_lowercase();
    for i in 1..=5 {
        let a = chain.accounts()[i].address.to_string().to_lowercase();
        assert!(set.contains(&a), "relayer {i} ({a}) missing from {set}");
    }
    assert_eq!(cast(&toolchain, &["call", &bridge, "threshold()(uint256)", "--rpc-url", rpc]), "3");
    let guardian = cast(&toolchain, &["call", &bridge, "guardian()(address)", "--rpc-url", rpc]);
    assert_eq!(guardian.parse::<Address>().unwrap(), chain.accounts()[6].address);
    assert!(!set.contains(&guardian.to_lowercase()));
}

fn config(data_dir: &Path, fresh: bool) -> DevnetConfig {
    // Binaries that do not exist: these tests must fail before anything is started.
    let mut c = DevnetConfig::ephemeral(
        root(),
        data_dir,
        Binaries::separate("/nonexistent/tao-node", "/nonexistent/wtao-relayer"),
    );
    c.fresh = fresh;
    c
}

#[test]
fn a_running_devnets_data_dir_is_neither_reused_nor_wiped() {
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout::new(dir.path());
    // A devnet "runs" here: it holds the lock and wrote its pid.
    let _held = FileLock::try_acquire(&layout.lock()).unwrap().unwrap();
    let owner = Owner { pid: 4242, state: "running".into(), children: vec![] };
    std::fs::write(layout.owner(), serde_json::to_string(&owner).unwrap()).unwrap();
    std::fs::write(layout.deployment(), "{}").unwrap();
    for fresh in [false, true] {
        let err = Devnet::up(config(dir.path(), fresh), &()).unwrap_err();
        assert!(matches!(err, DevnetError::Busy { pid: Some(4242), .. }), "{err}");
        let msg = err.to_string();
        assert!(msg.contains("wtao devnet down") && msg.contains("4242"), "{msg}");
        assert!(layout.deployment().is_file(), "--fresh={fresh} touched a running devnet");
    }
}

#[test]
fn a_folder_that_is_not_a_devnet_is_never_wiped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "precious").unwrap();
    let err = Devnet::up(config(dir.path(), true), &()).unwrap_err();
    assert!(matches!(err, DevnetError::ForeignDir { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "precious");
}

#[test]
fn a_minority_threshold_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path(), false);
    c.shape.threshold = 1;
    let err = Devnet::up(c, &()).unwrap_err();
    assert!(err.to_string().contains("strict majority"), "{err}");
    assert!(Layout::new(dir.path()).is_empty(), "nothing was written");
}

#[test]
fn status_and_down_of_a_data_dir_without_a_devnet() {
    let dir = tempfile::tempdir().unwrap();
    let status = wtao_devnet::status(dir.path()).unwrap();
    assert!(!status.running && status.info.is_none() && status.shape.is_none());
    assert_eq!(wtao_devnet::down(dir.path(), std::time::Duration::from_secs(1)).unwrap(), None);
}
