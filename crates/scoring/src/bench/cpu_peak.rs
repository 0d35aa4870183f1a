//! This machine's AVX2 integer multiply-accumulate ceiling, measured with register-only loops,
//! the yardstick for the CPU engine.
//!
//! Two figures:
//! * **exact** — `vpmaddwd` + `vpaddd` on i16 lanes: 16 exact i8·i8→i32 multiply-adds per pair
//!   of instructions. This is the fastest exact path AVX2 offers for signed×signed bytes, so it
//!   is the ceiling the CPU engine is measured against.
//! * **u8·i8** — `vpmaddubsw` + `vpmaddwd`(ones) + `vpaddd`: 32 multiply-adds per three
//!   instructions, the figure usually quoted as "int8 on AVX2". It saturates on i8·i8 (−128·−128
//!   pairs overflow i16), so the task cannot use it; reported for comparison only.

use std::time::Instant;

use serde::Serialize;

/// Measured multiply-accumulate rates (every rayon thread at once, best of three runs).
///
/// Rates are given per second of wall time (what the machine delivered while measured) and per
/// CPU-second (wall time replaced by the CPU time the process was given). On a machine shared
/// with other work the per-CPU-second figures are the stable ones, and comparing the engine with
/// the ceiling on that basis cancels the share the scheduler happened to give each run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CpuPeak {
    /// Threads that ran the loops (rayon's pool).
    pub threads: usize,
    /// Exact path (`vpmaddwd`), 10^9 multiply-accumulates per second of wall time, all threads.
    pub exact_gmac_per_s: f64,
    /// Exact path, 10^9 multiply-accumulates per CPU-second (≈ per core when uncontended).
    pub exact_gmac_per_cpu_s: f64,
    /// `vpmaddubsw` path (not exact for i8·i8), 10^9 per second of wall time, all threads.
    pub u8i8_gmac_per_s: f64,
    /// `vpmaddubsw` path, 10^9 per CPU-second.
    pub u8i8_gmac_per_cpu_s: f64,
}

/// Measures both rates for about `seconds` each; `None` without AVX2 (or off x86-64).
pub fn measure(seconds: f64) -> Option<CpuPeak> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        let threads = rayon::current_num_threads();
        // SAFETY (both closures): AVX2 was detected just above.
        let (exact, exact_cpu) =
            rate(seconds, x86::EXACT_MACS_PER_ITER, |n| unsafe { x86::madd_loop(n) });
        let (u8i8, u8i8_cpu) =
            rate(seconds, x86::U8I8_MACS_PER_ITER, |n| unsafe { x86::maddubs_loop(n) });
        return Some(CpuPeak {
            threads,
            exact_gmac_per_s: exact,
            exact_gmac_per_cpu_s: exact_cpu,
            u8i8_gmac_per_s: u8i8,
            u8i8_gmac_per_cpu_s: u8i8_cpu,
        });
    }
    let _ = seconds;
    None
}

/// Runs `body(iters)` on every thread at once, growing `iters` until a run takes `seconds / 3`,
/// then three runs; returns the best 10^9 multiply-accumulates per wall second and per CPU-second
/// over all threads. `body` must run `iters ≥ 1` iterations.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn rate(seconds: f64, macs_per_iter: u64, body: impl Fn(u64) + Sync) -> (f64, f64) {
    let timed = |iters: u64| {
        let (wall0, cpu0) = (Instant::now(), super::cpu_time());
        let threads = rayon::broadcast(|_| body(iters)).len();
        let wall = wall0.elapsed().as_secs_f64();
        let cpu = match (cpu0, super::cpu_time()) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => wall,
        };
        (iters as f64 * macs_per_iter as f64 * threads as f64, wall, cpu)
    };
    let mut iters: u64 = 1 << 12;
    while iters < 1 << 40 && timed(iters).1 < seconds / 3.0 {
        iters = iters.saturating_mul(2);
    }
    (0..3).map(|_| timed(iters)).fold(
        (0.0f64, 0.0f64),
        |(best_wall, best_cpu), (macs, wall, cpu)| {
            (best_wall.max(macs / wall / 1e9), best_cpu.max(macs / cpu / 1e9))
        },
    )
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::asm;

    /// 8 × `vpmaddwd` (16 lanes of i16 pairs → 8 i32, i.e. 16 multiply-adds) per iteration.
    pub(super) const EXACT_MACS_PER_ITER: u64 = 8 * 16;
    /// 8 × `vpmaddubsw` (32 u8·i8 products) per iteration.
    pub(super) const U8I8_MACS_PER_ITER: u64 = 8 * 32;

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn madd_loop(iters: u64) {
        // Eight independent accumulators; the multiply inputs are fixed registers, so the loop is
        // bound by the multiplier's throughput alone. Register contents are irrelevant to timing.
        // SAFETY: registers only, every one written is declared clobbered.
        unsafe {
            asm!(
                "2:",
                "vpmaddwd ymm12, ymm8, ymm9",
                "vpaddd ymm0, ymm0, ymm12",
                "vpmaddwd ymm13, ymm8, ymm10",
                "vpaddd ymm1, ymm1, ymm13",
                "vpmaddwd ymm14, ymm8, ymm11",
                "vpaddd ymm2, ymm2, ymm14",
                "vpmaddwd ymm15, ymm9, ymm10",
                "vpaddd ymm3, ymm3, ymm15",
                "vpmaddwd ymm12, ymm9, ymm11",
                "vpaddd ymm4, ymm4, ymm12",
                "vpmaddwd ymm13, ymm10, ymm11",
                "vpaddd ymm5, ymm5, ymm13",
                "vpmaddwd ymm14, ymm8, ymm8",
                "vpaddd ymm6, ymm6, ymm14",
                "vpmaddwd ymm15, ymm9, ymm9",
                "vpaddd ymm7, ymm7, ymm15",
                "dec {n}",
                "jnz 2b",
                n = inout(reg) iters => _,
                out("ymm0") _, out("ymm1") _, out("ymm2") _, out("ymm3") _,
                out("ymm4") _, out("ymm5") _, out("ymm6") _, out("ymm7") _,
                out("ymm12") _, out("ymm13") _, out("ymm14") _, out("ymm15") _,
                options(nostack, nomem),
            );
        }
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn maddubs_loop(iters: u64) {
        // SAFETY: registers only, every one written is declared clobbered.
        unsafe {
            asm!(
                "2:",
                "vpmaddubsw ymm12, ymm8, ymm9",
                "vpmaddwd ymm12, ymm12, ymm11",
                "vpaddd ymm0, ymm0, ymm12",
                "vpmaddubsw ymm13, ymm8, ymm10",
                "vpmaddwd ymm13, ymm13, ymm11",
                "vpaddd ymm1, ymm1, ymm13",
                "vpmaddubsw ymm14, ymm9, ymm10",
                "vpmaddwd ymm14, ymm14, ymm11",
                "vpaddd ymm2, ymm2, ymm14",
                "vpmaddubsw ymm15, ymm9, ymm8",
                "vpmaddwd ymm15, ymm15, ymm11",
                "vpaddd ymm3, ymm3, ymm15",
                "vpmaddubsw ymm12, ymm10, ymm8",
                "vpmaddwd ymm12, ymm12, ymm11",
                "vpaddd ymm4, ymm4, ymm12",
                "vpmaddubsw ymm13, ymm10, ymm9",
                "vpmaddwd ymm13, ymm13, ymm11",
                "vpaddd ymm5, ymm5, ymm13",
                "vpmaddubsw ymm14, ymm8, ymm8",
                "vpmaddwd ymm14, ymm14, ymm11",
                "vpaddd ymm6, ymm6, ymm14",
                "vpmaddubsw ymm15, ymm9, ymm9",
                "vpmaddwd ymm15, ymm15, ymm11",
                "vpaddd ymm7, ymm7, ymm15",
                "dec {n}",
                "jnz 2b",
                n = inout(reg) iters => _,
                out("ymm0") _, out("ymm1") _, out("ymm2") _, out("ymm3") _,
                out("ymm4") _, out("ymm5") _, out("ymm6") _, out("ymm7") _,
                out("ymm12") _, out("ymm13") _, out("ymm14") _, out("ymm15") _,
                options(nostack, nomem),
            );
        }
    }
}
