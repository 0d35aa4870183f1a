//! Times the literal transcription (`epoch_reference`) against the production epoch on the
//! benchmark networks, in alternating batches of about 50 ms each until `iters` reference epochs
//! ran, and prints the minimum, median and mean per epoch of each and their ratios:
//! `cargo run -p yuma --release --example reference_time -- <n> <v> <yuma3 0|1> <iters>`.
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
    // Batches of each, alternating (about 50 ms per batch, `iters` epochs of the reference in
    // all): a host whose speed drifts over seconds (shared cloud cores) slows both alike instead
    // of whichever ran second, and each batch runs warm, as a benchmark loop does.
    let mut reference = Vec::new();
    let mut production = Vec::new();
    let time = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1e3
    };
    let batch = |f: &dyn Fn(), out: &mut Vec<f64>| {
        let start = Instant::now();
        while start.elapsed().as_secs_f64() < 0.05 || out.is_empty() {
            out.push(time(f));
        }
    };
    while (reference.len() as u64) < iters {
        batch(&|| drop(black_box(epoch_reference(black_box(&input)))), &mut reference);
        batch(&|| drop(black_box(epoch(black_box(&input)))), &mut production);
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (v.first().copied().unwrap_or(0.0), v.get(v.len() / 2).copied().unwrap_or(0.0), mean)
    };
    let (r, e) = (stats(&mut reference), stats(&mut production));
    println!(
        "n={n} v={v} yuma3={y3}: reference min / median / mean {:.3} / {:.3} / {:.3} ms; epoch \
         {:.4} / {:.4} / {:.4} ms; ratio {:.1}x / {:.1}x / {:.1}x",
        r.0,
        r.1,
        r.2,
        e.0,
        e.1,
        e.2,
        r.0 / e.0,
        r.1 / e.1,
        r.2 / e.2
    );
}
