//! Runs the benchmark networks' epoch a fixed number of times (for callgrind or perf) and prints
//! the fastest and the median time of one epoch (robust to a noisy machine, unlike a mean).
//! `cargo run -p yuma --release --example epoch_profile -- <n> <v> <yuma3:0|1> <iters>`
#![allow(clippy::expect_used, clippy::cast_precision_loss, clippy::cast_sign_loss)]
use std::hint::black_box;
use std::time::Instant;
use yuma::{Hyperparameters, epoch};

#[path = "../benches/support/networks.rs"]
mod networks;
use networks::network;

fn main() {
    const USAGE: &str = "usage: epoch_profile <n> <validators> <yuma3: 0|1> <iterations>";
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().unwrap_or_else(|_| panic!("{USAGE}: `{s}` is not a number")))
        .collect();
    let [n, v, y3, iters] = args[..] else { panic!("{USAGE}") };
    let (n, v) = (u16::try_from(n).expect(USAGE), u16::try_from(v).expect(USAGE));
    let hp =
        Hyperparameters { yuma3: y3 == 1, liquid_alpha: y3 == 1, ..Hyperparameters::default() };
    let input = network(n, v, hp);
    let mut times = Vec::with_capacity(usize::try_from(iters).unwrap_or(0));
    for _ in 0..iters {
        let t = Instant::now();
        black_box(epoch(black_box(&input)));
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        println!("n={n} v={v} yuma3={y3}: min {min:.4} ms, median {median:.4} ms");
    }
}
