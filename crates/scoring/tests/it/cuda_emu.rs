//! The CUDA kernel's logic on the CPU: `tests/cuda_emu/emu.cpp` compiles `kernel.cu` as C++
//! with a thread-per-CUDA-thread shim (barriers, warp shuffles, atomics) and runs it; its
//! digests must equal the CPU engine's. This checks indexing, staging and reduction without a
//! GPU; `cuda_matches_cpu` is still what checks the real thing.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use wtao_scoring::{ChallengeParams, CpuEngine, Profile, TileEngine, TileJob};

use crate::support::Rng;

fn compiler() -> Option<&'static str> {
    ["c++", "g++", "clang++"].into_iter().find(|cxx| {
        Command::new(cxx)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

fn build(cxx: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cuda_emu");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("emu");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cuda_emu/emu.cpp");
    let out = Command::new(cxx)
        .args(["-std=c++20", "-O2", "-pthread", "-Wall", "-Wno-unknown-pragmas", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cxx} failed on emu.cpp:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run(exe: &Path, p: &ChallengeParams, b_seed: u64, jobs: &[TileJob]) -> Vec<u64> {
    let mut child = Command::new(exe)
        .args([p.k.to_string(), p.n.to_string(), p.rows_per_tile.to_string(), b_seed.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for j in jobs {
            writeln!(stdin, "{} {} {}", j.a_seed, j.digest_key, j.tile).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(|l| l.parse().unwrap()).collect()
}

#[test]
fn cuda_kernel_logic_matches_cpu_engine_under_emulation() {
    let Some(cxx) = compiler() else {
        println!("skipped: no C++ compiler to build the kernel emulator");
        return;
    };
    let exe = build(cxx);
    let mut rng = Rng(0xE);
    let shape = |k, n, rows_per_tile| ChallengeParams {
        k,
        n,
        rows_per_tile,
        samples: 4,
        max_tiles: 1 << 20,
    };
    let cases = [
        (ChallengeParams::profile(Profile::Ci), 5),
        (shape(45, 200, 130), 2), // 2×2 blocks, K not a multiple of 8 (unaligned PRNG runs)
        (shape(72, 129, 3), 3),   // K a multiple of 8 but not of 32, one column past a block
        (shape(1, 1, 1), 2),      // the smallest tile
        (shape(33, 5, 1), 2),     // K one past a stage
    ];
    let mut compared = 0;
    for (p, n) in cases {
        let b_seed = rng.next();
        let mut jobs = rng.jobs(n);
        jobs.push(TileJob { a_seed: 1, digest_key: 2, tile: u64::MAX });
        let want = CpuEngine::new().digests(&p, b_seed, &jobs).unwrap();
        assert_eq!(run(&exe, &p, b_seed, &jobs), want, "{p:?}");
        compared += jobs.len();
    }
    println!("emulated kernel matched the CPU engine on {compared} jobs");
}
