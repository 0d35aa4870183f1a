//! Integration tests of the `wtao-relayer` binary and library: its commands, its configuration
//! as a user meets it, TLS against real endpoints (anvil and tao-node behind a local TLS
//! proxy with generated certificates), and the EVM quorum and failover against real anvils.

mod cli;
mod quorum;
mod store;
mod tls;

/// The `store_scale` example's code, run by `store::tick_cost_stays_flat_up_to_100k_transfers`.
#[path = "../../examples/store_scale.rs"]
#[allow(unreachable_pub)]
mod store_scale;

use std::path::Path;

use wtao_devnet::{Anvil, AnvilConfig, Toolchain};

/// An anvil on a free port (chosen by anvil itself) with its log and accounts file in `dir`,
/// and the port it listens on.
fn anvil(toolchain: &Toolchain, dir: &Path, name: &str) -> (Anvil, u16) {
    let anvil = Anvil::spawn(
        &AnvilConfig {
            program: toolchain.anvil(),
            port: 0,
            chain_id: 31_337,
            accounts: 10,
            state_file: None,
            log: dir.join(format!("{name}.log")),
            config_out: dir.join(format!("{name}-accounts.json")),
            port_flag: "--anvil-port",
        },
        3,
    )
    .unwrap();
    let port = anvil.endpoint().trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    (anvil, port)
}
