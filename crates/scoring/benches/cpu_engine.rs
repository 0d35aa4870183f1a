//! Criterion benchmarks of the CPU engine: one tile per profile (the time a miner spends per
//! tile and a validator per sample), and the reference engine on the ci profile for scale.
//!
//! `cargo bench -p wtao-scoring --bench cpu_engine`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wtao_scoring::{
    BlockHash, Challenge, ChallengeParams, CpuEngine, Hotkey, Profile, RefEngine, TileEngine,
};

fn tiles(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpu_engine");
    group.sample_size(10);
    for profile in Profile::ALL {
        let params = ChallengeParams::profile(profile);
        let challenge = Challenge::new(params, 1, BlockHash([1; 32])).unwrap();
        let seeds = challenge.miner(&Hotkey([2; 32]));
        let engine = CpuEngine::new();
        engine.prepare(&params, challenge.b_seed()).unwrap();
        // Enough tiles per call to keep every thread busy.
        let batch = (rayon::current_num_threads() as u64 * 2).max(1);
        let jobs: Vec<_> = (0..batch).map(|t| seeds.job(t)).collect();
        group.throughput(Throughput::Elements(params.ops_per_tile() * batch));
        group.bench_function(format!("{profile}/{batch}_tiles ({})", engine.description()), |b| {
            b.iter(|| engine.digests(&params, challenge.b_seed(), black_box(&jobs)).unwrap())
        });
    }
    let params = ChallengeParams::profile(Profile::Ci);
    let challenge = Challenge::new(params, 1, BlockHash([1; 32])).unwrap();
    let job = [challenge.miner(&Hotkey([2; 32])).job(0)];
    group.throughput(Throughput::Elements(params.ops_per_tile()));
    group.bench_function("ci/1_tile (reference)", |b| {
        b.iter(|| RefEngine.digests(&params, challenge.b_seed(), black_box(&job)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, tiles);
criterion_main!(benches);
