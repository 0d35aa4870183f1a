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
use yuma::{Hyperparameters, epoch};

#[path = "support/networks.rs"]
mod networks;
use networks::network;

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
