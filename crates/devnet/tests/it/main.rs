//! Brings the devnet up for real (anvil + forge script Deploy) and checks the chain through the
//! pinned `cast`: the contracts are there and wired, and a second `up` resumes them.

use std::{net::TcpListener, path::Path, process::Command};

use wtao_devnet::{AnvilConfig, Devnet, DevnetConfig, Toolchain};

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port()
}

fn cast(toolchain: &Toolchain, args: &[&str]) -> String {
    let out = Command::new(toolchain.cast()).args(args).output().unwrap();
    assert!(out.status.success(), "cast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn config(root: &Path, data_dir: &Path, fresh: bool) -> DevnetConfig {
    DevnetConfig {
        root: root.to_path_buf(),
        data_dir: data_dir.to_path_buf(),
        fresh,
        // A block per transaction keeps the deploy fast.
        anvil: AnvilConfig {
            port: free_port(),
            chain_id: 31_337,
            block_time: None,
            state_file: None,
        },
        relayers: 3,
        threshold: 2,
    }
}

#[test]
fn devnet_up_deploys_wires_and_resumes() {
    let root = Toolchain::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let toolchain = Toolchain::ensure(&root).unwrap();
    let data = tempfile::tempdir().unwrap();

    let devnet = Devnet::up(config(&root, data.path(), false)).unwrap();
    assert!(devnet.deployed_now);
    let rpc = devnet.anvil.endpoint();
    let d = devnet.deployment.clone();
    let call = |to: &str, sig: &str| cast(&toolchain, &["call", to, sig, "--rpc-url", &rpc]);

    assert_eq!(call(&d.bridge, "threshold()(uint256)"), "2");
    assert_eq!(call(&d.bridge, "wtao()(address)").to_lowercase(), d.wtao.to_lowercase());
    assert_eq!(call(&d.bridge, "timelock()(address)").to_lowercase(), d.timelock.to_lowercase());
    assert_eq!(call(&d.wtao, "decimals()(uint8)"), "9");
    let relayers = call(&d.bridge, "relayers()(address[])").to_lowercase();
    for r in &devnet.relayers {
        assert!(relayers.contains(&r.to_lowercase()), "{r} not in {relayers}");
    }
    // The deployer kept no admin role on the timelock.
    let admin_role = call(&d.timelock, "DEFAULT_ADMIN_ROLE()(bytes32)");
    let deployer = wtao_devnet::DEV_ACCOUNTS[0].0;
    assert_eq!(
        cast(
            &toolchain,
            &[
                "call",
                &d.timelock,
                "hasRole(bytes32,address)(bool)",
                &admin_role,
                deployer,
                "--rpc-url",
                &rpc
            ]
        ),
        "false"
    );
    drop(devnet); // anvil dumps its state on SIGTERM

    let again = Devnet::up(config(&root, data.path(), false)).unwrap();
    assert!(!again.deployed_now, "a second up must resume, not redeploy");
    assert_eq!(again.deployment, d);
    let rpc = again.anvil.endpoint();
    let code = cast(&toolchain, &["code", &d.bridge, "--rpc-url", &rpc]);
    assert!(code.len() > 2, "the resumed chain lost the bridge: {code}");
    drop(again);

    let fresh = Devnet::up(config(&root, data.path(), true)).unwrap();
    assert!(fresh.deployed_now, "--fresh must deploy anew");
}
