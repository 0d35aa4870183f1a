//! The CUDA engine. Without NVRTC or a GPU these tests print "skipped: …" and return; with
//! `WTAO_REQUIRE_CUDA=1` they fail instead, so a GPU run cannot pass without comparing.

#[cfg(feature = "cuda")]
mod enabled {
    use wtao_scoring::{
        ChallengeParams, CpuEngine, CudaEngine, EngineError, Profile, TileEngine,
        engine::cuda::{DEFAULT_ARCH, compile_check, nvrtc_present},
    };

    use crate::support::Rng;

    fn required() -> bool {
        std::env::var("WTAO_REQUIRE_CUDA").is_ok_and(|v| v == "1")
    }

    /// Skips (prints why and returns `None`) or, when CUDA is required, fails.
    fn or_skip<T>(what: &str, result: Result<T, EngineError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e @ EngineError::Unavailable { .. }) if !required() => {
                println!("skipped: {what}: {e}");
                None
            }
            Err(e) => panic!("{what}: {e} (WTAO_REQUIRE_CUDA=1 makes this a failure)"),
        }
    }

    #[test]
    fn nvrtc_compiles_the_kernel() {
        if !nvrtc_present() && !required() {
            println!("skipped: no NVRTC (libnvrtc.so.13 not on LD_LIBRARY_PATH)");
            return;
        }
        for arch in [DEFAULT_ARCH, 90] {
            let Some(report) = or_skip("NVRTC", compile_check(arch)) else { return };
            println!("compiled for {}: {report:?}", report.arch);
            assert!(report.entry_points.contains(&"wtao_tiles".to_owned()), "{report:?}");
            assert!(report.entry_points.contains(&"wtao_pack_b".to_owned()), "{report:?}");
            assert!(report.uses_dp4a, "the tile kernel must use dp4a: {report:?}");
        }
    }

    #[test]
    fn cuda_matches_cpu() {
        let Some(cuda) = or_skip("no CUDA", CudaEngine::try_new()) else { return };
        println!("comparing {} with the CPU engine", cuda.description());
        let cpu = CpuEngine::new();
        let mut rng = Rng(0xC0DA);
        let mut compared = 0usize;
        // Random shapes: across and inside the 128×128 blocks and the 32-byte K steps, K not a
        // multiple of 8 (the unaligned PRNG path), more than one row and column block.
        for _ in 0..40 {
            let p = ChallengeParams {
                k: rng.range(1, 600) as u32,
                n: rng.range(1, 400) as u32,
                rows_per_tile: rng.range(1, 300) as u32,
                samples: 4,
                max_tiles: 1 << 20,
            };
            let b_seed = rng.next();
            let jobs = rng.jobs(26);
            let want = cpu.digests(&p, b_seed, &jobs).unwrap();
            let got = cuda.digests(&p, b_seed, &jobs).unwrap();
            assert_eq!(got, want, "{p:?} b_seed {b_seed:#x}");
            compared += jobs.len();
        }
        // The profiles themselves, including the one the subnet runs.
        for (profile, n) in [(Profile::Ci, 64), (Profile::Dev, 16), (Profile::Gpu, 8)] {
            let p = ChallengeParams::profile(profile);
            let b_seed = rng.next();
            let jobs = rng.jobs(n);
            assert_eq!(
                cuda.digests(&p, b_seed, &jobs).unwrap(),
                cpu.digests(&p, b_seed, &jobs).unwrap(),
                "{profile}"
            );
            compared += jobs.len();
        }
        assert!(compared >= 1_000, "only {compared} jobs compared");
        println!("cuda_matches_cpu: {compared} jobs bit for bit");
    }
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_matches_cpu() {
    assert!(
        std::env::var("WTAO_REQUIRE_CUDA").map_or(true, |v| v != "1"),
        "WTAO_REQUIRE_CUDA=1 but this build has no `cuda` feature"
    );
    println!("skipped: built without the `cuda` feature");
}
