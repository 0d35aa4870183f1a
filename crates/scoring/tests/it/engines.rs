//! Every engine computes the reference's digests, on random and on edge parameters.

use proptest::prelude::*;
use wtao_scoring::{ChallengeParams, CpuEngine, Profile, RefEngine, TileEngine, TileJob};

use crate::support::{Rng, digest_of, tile_c};

fn params(k: u32, n: u32, rows_per_tile: u32) -> ChallengeParams {
    ChallengeParams { k, n, rows_per_tile, samples: 4, max_tiles: 1 << 20 }
}

/// Asserts that the SIMD and baseline CPU engines give the reference's digests.
fn assert_cpu_matches_reference(p: &ChallengeParams, b_seed: u64, jobs: &[TileJob]) {
    let want = RefEngine.digests(p, b_seed, jobs).unwrap();
    for engine in [CpuEngine::new(), CpuEngine::baseline()] {
        let got = engine.digests(p, b_seed, jobs).unwrap();
        assert_eq!(got, want, "{} on {p:?}, b_seed {b_seed:#x}", engine.description());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn cpu_matches_reference_on_random_parameters(
        k in 1u32..=80,
        n in 1u32..=80,
        rows in 1u32..=12,
        seed in any::<u64>(),
    ) {
        let mut rng = Rng(seed);
        let jobs = rng.jobs(3);
        assert_cpu_matches_reference(&params(k, n, rows), rng.next(), &jobs);
    }
}

#[test]
fn cpu_matches_reference_on_edge_parameters() {
    let mut rng = Rng(7);
    let cases = [
        params(1, 1, 1),          // the smallest tile
        params(17, 5, 1),         // 1-row tiles, K and N off every blocking
        params(15, 49, 7),        // N across two column chunks, R not a multiple of 3
        params(16, 3, 3),         // exactly one step, one panel each way
        params(8, 1, 130),        // many rows, one column
        params(4_096 + 17, 4, 2), // K across two K blocks
        ChallengeParams::profile(Profile::Ci),
    ];
    for p in &cases {
        let mut jobs = rng.jobs(3);
        jobs.push(TileJob { a_seed: 0, digest_key: 0, tile: 0 });
        jobs.push(TileJob { a_seed: u64::MAX, digest_key: u64::MAX, tile: u64::MAX });
        assert_cpu_matches_reference(p, rng.next(), &jobs);
    }
}

#[test]
fn reference_is_the_plain_definition() {
    // The reference engine against a second, independent transcription of the definition.
    let mut rng = Rng(11);
    let p = params(9, 5, 3);
    let b_seed = rng.next();
    for job in rng.jobs(4) {
        let want = digest_of(job.digest_key, &tile_c(&p, b_seed, &job));
        assert_eq!(RefEngine.digests(&p, b_seed, &[job]).unwrap(), vec![want]);
    }
}

#[test]
fn cpu_engine_rebuilds_b_for_a_new_epoch_and_reuses_it_within_one() {
    let p = ChallengeParams::profile(Profile::Ci);
    let engine = CpuEngine::new();
    let mut rng = Rng(3);
    let jobs = rng.jobs(2);
    let (b1, b2) = (rng.next(), rng.next());
    for b_seed in [b1, b2, b1, b1] {
        assert_eq!(
            engine.digests(&p, b_seed, &jobs).unwrap(),
            RefEngine.digests(&p, b_seed, &jobs).unwrap()
        );
    }
    // And for a different shape with the same seed.
    let q = params(20, 9, 2);
    assert_eq!(engine.digests(&q, b1, &jobs).unwrap(), RefEngine.digests(&q, b1, &jobs).unwrap());
}

#[test]
fn digests_depend_on_every_job_field_and_b() {
    let p = ChallengeParams::profile(Profile::Ci);
    let job = TileJob { a_seed: 1, digest_key: 2, tile: 3 };
    let base = CpuEngine::new().digests(&p, 4, &[job]).unwrap();
    let variants = [
        (TileJob { a_seed: 9, ..job }, 4),
        (TileJob { digest_key: 9, ..job }, 4),
        (TileJob { tile: 9, ..job }, 4),
        (job, 9),
    ];
    for (j, b) in variants {
        assert_ne!(CpuEngine::new().digests(&p, b, &[j]).unwrap(), base, "{j:?} b={b}");
    }
}

#[test]
fn engines_refuse_invalid_parameters_and_accept_no_jobs() {
    let bad = ChallengeParams { k: 0, ..ChallengeParams::profile(Profile::Ci) };
    let err = CpuEngine::new().digests(&bad, 0, &[]).unwrap_err();
    assert!(err.to_string().contains("`k` = 0"), "{err}");
    let ok = ChallengeParams::profile(Profile::Ci);
    assert_eq!(CpuEngine::new().digests(&ok, 0, &[]).unwrap(), Vec::<u64>::new());
}
