//! Times the literal transcription (`epoch_reference`) against the production epoch on the
//! benchmark networks: `cargo run -p yuma --release --example reference_time -- <n> <v> <yuma3 0|1> <iters>`.
#![allow(clippy::expect_used, clippy::cast_precision_loss, clippy::print_stdout)]
use std::hint::black_box;
use std::time::Instant;
use yuma::{Hyperparameters, epoch, epoch_reference};

#[path = "../benches/support/networks.rs"]
mod networks;
use networks::network;

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|s| s.parse().expect("number")).collect();
    let [n, v, y3, iters] = args[..] else { panic!("usage: <n> <v> <yuma3> <iters>") };
    let hp =
        Hyperparameters { yuma3: y3 == 1, liquid_alpha: y3 == 1, ..Hyperparameters::default() };
    let input = network(u16::try_from(n).expect("n"), u16::try_from(v).expect("v"), hp);
    let t = Instant::now();
    for _ in 0..iters {
        black_box(epoch_reference(black_box(&input)));
    }
    let r = t.elapsed().as_secs_f64() / iters as f64;
    let t = Instant::now();
    for _ in 0..iters {
        black_box(epoch(black_box(&input)));
    }
    let e = t.elapsed().as_secs_f64() / iters as f64;
    println!("reference {:.3} ms, epoch {:.3} ms, {:.1}x", r * 1e3, e * 1e3, r / e);
}
