//! Shared by `examples/load.rs`, `examples/import_rss.rs` and `benches/import.rs`: deterministic
//! sr25519 bench accounts, a chain spec that funds them, and signed `transfer_keep_alive`s.
#![allow(dead_code)]

use tao_node::primitives::{AccountId32, H256, MultiSignature};
use tao_node::runtime::extrinsic::{self, Era, Extra, Mode};
use tao_node::runtime::genesis::{ChainSpec, TAO};
use tao_node::runtime::{RuntimeCall, SPEC_VERSION, TX_VERSION, balances};

/// The `i`-th bench key (sr25519, from a fixed mini secret).
pub(crate) fn key(i: u32) -> schnorrkel::Keypair {
    let mut seed = [0x42u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    schnorrkel::MiniSecretKey::from_bytes(&seed)
        .expect("32-byte seed")
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

/// Keys `0..n`.
pub(crate) fn keys(n: u32) -> Vec<schnorrkel::Keypair> {
    (0..n).map(key).collect()
}

/// Account id of a key.
pub(crate) fn account(k: &schnorrkel::Keypair) -> AccountId32 {
    AccountId32(k.public.to_bytes())
}

/// The dev spec plus `accounts` funded with 1,000,000 TAO each.
pub(crate) fn spec(accounts: &[schnorrkel::Keypair]) -> ChainSpec {
    let mut s = ChainSpec::dev();
    s.id = "tao_bench".into();
    s.genesis.balances.extend(accounts.iter().map(|k| (account(k).to_string(), 1_000_000 * TAO)));
    s
}

/// A signed, immortal `Balances.transfer_keep_alive(dest, value)` with `nonce`.
pub(crate) fn transfer(
    genesis: H256,
    from: &schnorrkel::Keypair,
    nonce: u32,
    dest: AccountId32,
    value: u64,
) -> Vec<u8> {
    let call =
        RuntimeCall::Balances(balances::Call::transfer_keep_alive { dest: dest.into(), value });
    let extra = Extra { era: Era::Immortal, nonce, tip: 0, mode: Mode::Disabled };
    let imp = extrinsic::implicit(SPEC_VERSION, TX_VERSION, genesis, genesis);
    extrinsic::build_signed(&call, account(from), extra, &imp, |m| {
        MultiSignature::Sr25519(from.sign_simple(b"substrate", m).to_bytes())
    })
}

/// `n` transfers round-robin over `keys` (sender `i % keys`, nonces from `first_nonce` upward per
/// sender), each to the next account, 1 TAO each.
pub(crate) fn transfers(
    genesis: H256,
    keys: &[schnorrkel::Keypair],
    first_nonce: u32,
    n: usize,
) -> Vec<Vec<u8>> {
    let k = keys.len();
    (0..n)
        .map(|i| {
            let from = &keys[i % k];
            let to = account(&keys[(i + 1) % k]);
            let nonce = first_nonce + u32::try_from(i / k).expect("nonce fits u32");
            transfer(genesis, from, nonce, to, TAO)
        })
        .collect()
}

/// `VmRSS` of a process in KiB (`/proc/<pid>/status`; `self` for this one).
pub(crate) fn vm_rss_kib(pid: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The 1-minute load average.
pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
