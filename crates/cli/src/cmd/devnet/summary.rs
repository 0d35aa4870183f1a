//! The devnet's summary — endpoints, chain ids, contracts, relayers, dev accounts with both
//! balances, logs — as text for people and as JSON for scripts. `up` and `status` print it.

use std::fmt::Write as _;

use serde_json::{Value, json};
use wtao_devnet::DevnetInfo;

use crate::{chain::Balances, units};

/// How the devnet runs, for the heading.
pub(crate) enum Mode {
    /// In this terminal until Ctrl-C.
    Foreground,
    /// In the background, owned by process `pid`.
    Background(u32),
}

/// The summary as JSON: `info`, plus each account's balances (integer strings in rao / wei).
pub(crate) fn data(
    info: &DevnetInfo,
    balances: Option<&Balances>,
    running: bool,
    pid: Option<u32>,
) -> Value {
    let at = |v: Option<&Vec<String>>, i: usize| v.and_then(|v| v.get(i)).cloned();
    let tao_accounts: Vec<Value> = info
        .tao_accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({"uri": a.uri, "ss58": a.ss58, "public_key": a.public_key, "role": a.role,
                   "balance_rao": at(balances.map(|b| &b.tao_rao), i)})
        })
        .collect();
    let eth_accounts: Vec<Value> = info
        .eth_accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({"index": a.index, "address": a.address, "private_key": a.private_key,
                   "role": a.role, "balance_wei": at(balances.map(|b| &b.eth_wei), i),
                   "wtao_balance_rao": at(balances.map(|b| &b.wtao), i)})
        })
        .collect();
    json!({
        "running": running,
        "state": if running { "running" } else { "stopped" },
        "pid": pid,
        "data_dir": info.data_dir,
        "resumed": info.resumed,
        "evm": info.evm,
        "tao": info.tao,
        "contracts": info.contracts,
        "bridge": {"relayers": info.shape.relayers, "threshold": info.shape.threshold,
                   "evm_chain_id": info.shape.evm_chain_id, "bridge": info.contracts.bridge},
        "relayers": info.relayers,
        "subnets": subnets_data(balances),
        "accounts": {"tao": tao_accounts, "eth": eth_accounts},
        "processes": info.processes,
        "agents": info.agents,
    })
}

/// The subnets for `--json`: netuid, name, owner, tempo, neuron count.
fn subnets_data(balances: Option<&Balances>) -> Value {
    let subnets = balances.map(|b| b.subnets.as_slice()).unwrap_or_default();
    subnets
        .iter()
        .map(|n| {
            json!({"netuid": n.netuid, "name": n.name, "owner": n.owner.to_string(),
                   "tempo": n.tempo, "neurons": n.neurons, "max_neurons": n.max_neurons})
        })
        .collect()
}

/// The subnet lines of the text summary (none when they could not be read).
fn subnet_lines(s: &mut String, balances: Option<&Balances>) {
    let subnets = balances.map(|b| b.subnets.as_slice()).unwrap_or_default();
    if subnets.is_empty() {
        return;
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  subnets    (`wtao subnet list`, `wtao subnet metagraph --netuid N`)");
    for n in subnets {
        let _ = writeln!(
            s,
            "    {:>3}  {:<8} owner {}  tempo {:>3}  {}/{} neurons",
            n.netuid, n.name, n.owner, n.tempo, n.neurons, n.max_neurons
        );
    }
}

/// The summary as text.
pub(crate) fn human(info: &DevnetInfo, balances: Option<&Balances>, mode: &Mode) -> String {
    let mut s = String::new();
    let how = if info.resumed { "resumed" } else { "created" };
    let _ = match mode {
        Mode::Foreground => {
            writeln!(s, "wtao devnet is up ({how}); Ctrl-C stops it and keeps its state.")
        }
        Mode::Background(pid) => writeln!(
            s,
            "wtao devnet is up ({how}), in the background (pid {pid}); `wtao devnet down` stops it."
        ),
    };
    let c = &info.contracts;
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  TAO chain  {}  (HTTP: {})  chain {} \"{}\", {} blocks",
        info.tao.ws_url,
        info.tao.http_url,
        info.tao.chain_id,
        info.tao.chain_name,
        info.tao.block_time
    );
    let block = match info.evm.block_time_s {
        0 => "a block per transaction".to_owned(),
        n => format!("{n} s blocks"),
    };
    let _ =
        writeln!(s, "  EVM chain  {}  chain id {}, {block}", info.evm.rpc_url, info.evm.chain_id);
    let _ = writeln!(s);
    let _ = writeln!(s, "  contracts");
    for (name, addr) in [
        ("WTAO (9 decimals)", c.wtao),
        ("TaoBridge (proxy)", c.bridge),
        ("TaoBridge impl", c.bridge_implementation),
        ("TimelockController", c.timelock),
        ("WTAOGovernor", c.governor),
    ] {
        let _ = writeln!(s, "    {name:<20} {addr}");
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  bridge     {} relayers, threshold {} — the same set on both chains",
        info.shape.relayers, info.shape.threshold
    );
    for r in &info.relayers {
        let _ = writeln!(
            s,
            "    {:<10} eth {}  tao {} ({})  {}",
            r.name, r.eth_address, r.tao_account, r.tao_uri, r.metrics_url
        );
    }
    subnet_lines(&mut s, balances);
    if !info.agents.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "  subnet demo  GPU-scored miners and a validator (`wtao devnet logs miner-1 -f`)"
        );
        for a in &info.agents {
            let _ = writeln!(
                s,
                "    {:<12} {:<9} netuid {} uid {:<3} {} ({})",
                a.name, a.role, a.netuid, a.uid, a.hotkey, a.hotkey_uri
            );
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  TAO dev accounts (public dev keys: never use them on a real chain)");
    for (i, a) in info.tao_accounts.iter().enumerate() {
        let balance = balances
            .and_then(|b| b.tao_rao.get(i))
            .and_then(|v| v.parse::<u128>().ok())
            .map_or_else(|| "?".to_owned(), units::tao);
        let _ = writeln!(s, "    {:<12} {}  {:>22}  {}", a.uri, a.ss58, balance, a.role);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  EVM dev accounts (anvil's mnemonic \"{}\")", wtao_devnet::DEV_MNEMONIC);
    for (i, a) in info.eth_accounts.iter().enumerate() {
        let get =
            |v: Option<&Vec<String>>| v.and_then(|v| v.get(i)).and_then(|v| v.parse::<u128>().ok());
        let eth = get(balances.map(|b| &b.eth_wei)).map_or_else(|| "?".to_owned(), units::eth);
        let wtao = get(balances.map(|b| &b.wtao)).map_or_else(|| "?".to_owned(), units::wtao);
        let _ = writeln!(
            s,
            "    {:>2} {}  {}  {:>18}  {:>10}  {}",
            a.index, a.address, a.private_key, eth, wtao, a.role
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  logs       {}  (`wtao devnet logs <name> -f`)",
        info.data_dir.join("logs").display()
    );
    for p in &info.processes {
        let _ = writeln!(s, "    {:<10} {}", p.name, p.log.display());
    }
    let _ = writeln!(s, "  data dir   {}", info.data_dir.display());
    // Extension point: the bridge/vote quick start (`wtao bridge to-eth …`) goes here.
    s
}
