//! The production (sparse) epoch on benchmark networks, one thread.
//!
//! Networks: n = 256 / 1024 / 4096 uids with 64 / 128 / 256 validators (uids `0..v`). Every
//! validator weights every miner: a noisy view of a shared miner quality, except a tenth of the
//! validators who weight at random; weights are max-upscaled as `set_weights` stores them. About
//! 1 % of miners registered during the last tempo. Bonds and permits come from one previous epoch
//! on the same state. Two bond models: Yuma3 with liquid alpha, and original Yuma (Yuma3 off).
//!
//! `cargo bench -p yuma` (a few minutes; samples are kept small on purpose).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
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

fn network(n: u16, validators: u16, hyperparameters: Hyperparameters) -> EpochInput {
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

fn bench_epoch(c: &mut Criterion) {
    let sizes: [(u16, u16); 3] = [(256, 64), (1024, 128), (4096, 256)];
    let models = [
        (
            "yuma3_liquid_alpha",
            Hyperparameters { yuma3: true, liquid_alpha: true, ..Hyperparameters::default() },
        ),
        (
            "yuma3_off",
            Hyperparameters { yuma3: false, liquid_alpha: false, ..Hyperparameters::default() },
        ),
    ];
    for (name, hp) in models {
        let mut group = c.benchmark_group(format!("epoch/{name}"));
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        for (n, v) in sizes {
            let input = network(n, v, hp.clone());
            group.bench_with_input(
                BenchmarkId::from_parameter(format!("n{n}_v{v}")),
                &input,
                |b, input| {
                    b.iter(|| epoch(black_box(input)));
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench_epoch);
criterion_main!(benches);
