//! The benchmark networks, shared by `benches/epoch.rs` and `examples/epoch_profile.rs` (the
//! latter runs them under callgrind, whose instruction counts do not depend on machine load).
//!
//! n uids with `validators` validators (uids `0..v`). Every validator weights every miner: a noisy
//! view of a shared miner quality, except a tenth of the validators who weight at random; weights
//! are max-upscaled as `set_weights` stores them. About 1 % of miners registered during the last
//! tempo. Bonds and permits come from one previous epoch on the same state.

use yuma::math::vector::vec_u16_max_upscale_to_u16;
use yuma::{EpochInput, Hyperparameters, epoch};

/// Deterministic generator (benchmarks must be reproducible).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 42) as f64
    }
}

pub(crate) fn network(n: u16, validators: u16, hyperparameters: Hyperparameters) -> EpochInput {
    let mut rng = Lcg(0x5EED_0000 + u64::from(n));
    let nu = usize::from(n);
    let v = usize::from(validators);
    let tempo = u64::from(hyperparameters.tempo);
    let current_block = 1_000_000_u64;
    let quality: Vec<f64> = (0..nu).map(|_| rng.unit()).collect();
    let weights = (0..nu)
        .map(|i| {
            if i >= v {
                return Vec::new();
            }
            let random = i % 10 == 9;
            let (uids, raw): (Vec<u16>, Vec<u16>) = (validators..n)
                .map(|j| {
                    let q = if random {
                        rng.unit()
                    } else {
                        (quality[usize::from(j)] * (0.8 + 0.4 * rng.unit())).min(1.0)
                    };
                    (j, (q * 65_535.0) as u16)
                })
                .unzip();
            uids.into_iter().zip(vec_u16_max_upscale_to_u16(&raw)).collect()
        })
        .collect();
    // ~1 % of miners registered since the last epoch (after last_tempo, before validators'
    // latest weights).
    let block_at_registration = (0..nu)
        .map(|i| if i >= v && rng.next().is_multiple_of(100) { current_block - 5 } else { 1_000 })
        .collect();
    let stake = (0..nu)
        .map(|i| {
            if i < v {
                1_000_000_000_000 + rng.next() % 100_000_000_000_000
            } else {
                rng.next() % 1_000_000_000
            }
        })
        .collect();
    let last_update = (0..nu)
        .map(|i| if i < v { current_block - 1 - rng.next() % 50 } else { current_block - 500 })
        .collect();
    let mut input = EpochInput {
        n,
        current_block,
        last_mechanism_step_block: current_block - tempo,
        rao_emission: 1_000_000_000_000,
        stake,
        tao_stake: Vec::new(),
        weights,
        bonds: Vec::new(),
        last_update,
        block_at_registration,
        validator_permit: (0..nu).map(|i| i < v).collect(),
        commit_blocks: None,
        hyperparameters: Hyperparameters { max_allowed_validators: validators, ..hyperparameters },
    };
    // Bonds (and permits) from one previous epoch on the same state.
    let previous = epoch(&input);
    input.bonds = previous.bonds;
    input.validator_permit = previous.new_validator_permit;
    input
}
