//! `wtao scoring bench|engine` as a user runs them: the report's figures agree with its own
//! counts, CUDA's absence is reported (not hidden, not faked), bad input is refused with exit 2.

use super::{envelope, ok, text, wtao};

/// Whether this machine has a usable CUDA engine (as `wtao scoring engine --scorer cuda` sees it).
fn cuda_here() -> bool {
    wtao(&["scoring", "engine", "--scorer", "cuda", "--json"]).status.success()
}

#[test]
fn bench_reports_consistent_figures_and_why_cuda_was_not_measured() {
    let data = ok(wtao(&[
        "scoring",
        "bench",
        "--profile",
        "ci",
        "--seconds",
        "0.2",
        "--no-peak",
        "--json",
    ]));
    assert_eq!(data["task"], "wtao-gemm-v1");
    assert_eq!(data["params"]["k"], 64);
    let cpu = &data["cpu"];
    assert_eq!(cpu["engine"], "cpu");
    let (tiles, seconds) = (cpu["tiles"].as_u64().unwrap(), cpu["seconds"].as_f64().unwrap());
    assert!(tiles > 0 && seconds >= 0.2, "{cpu:#}");
    let rate = cpu["tiles_per_s"].as_f64().unwrap();
    assert!((rate - tiles as f64 / seconds).abs() <= 1e-6 * rate, "{cpu:#}");
    let ops = data["ops_per_tile"].as_f64().unwrap();
    assert!((cpu["tops"].as_f64().unwrap() - rate * ops / 1e12).abs() <= 1e-9, "{cpu:#}");
    if cuda_here() {
        assert!(data["cuda"]["tiles_per_s"].as_f64().unwrap() > 0.0, "{data:#}");
        assert!(data["gpu_cpu_ratio"].as_f64().is_some(), "{data:#}");
    } else {
        println!("no CUDA here: checking that the report says why");
        assert!(data["cuda"].is_null() && data["gpu_cpu_ratio"].is_null(), "{data:#}");
        assert!(!data["cuda_unavailable"].as_str().unwrap().is_empty(), "{data:#}");
    }
}

#[test]
fn bench_text_names_units_and_cuda_alone_fails_without_a_gpu() {
    let out = wtao(&["scoring", "bench", "--engine", "cpu", "--profile", "ci", "--seconds", "0.1"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("tiles/s") && stdout.contains("TOPS"), "{stdout}");
    assert!(stdout.contains("MOP per tile"), "{stdout}");
    if cuda_here() {
        println!("skipped: this machine has CUDA, so `--engine cuda` cannot be shown to fail");
        return;
    }
    let out = wtao(&["scoring", "bench", "--engine", "cuda", "--profile", "ci", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let env = envelope(&out);
    assert_eq!(env["success"], false);
    let message = env["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("cuda engine is unavailable"), "{message}");
}

#[test]
fn engine_says_what_auto_picks_and_why() {
    let data = ok(wtao(&["scoring", "engine", "--json"]));
    assert_eq!(data["scorer"], "auto");
    let engine = data["engine"].as_str().unwrap();
    assert!(["cpu", "cuda"].contains(&engine), "{data:#}");
    let why = data["why"].as_str().unwrap();
    if engine == "cpu" {
        assert!(why.starts_with("auto: CUDA unavailable: "), "{why}");
    }
    let data = ok(wtao(&["scoring", "engine", "--scorer", "cpu", "--json"]));
    assert_eq!(data["engine"], "cpu");
    assert!(data["description"].as_str().unwrap().starts_with("cpu"), "{data:#}");
}

#[test]
fn bad_input_is_a_usage_error() {
    for args in [
        &["scoring", "bench", "--profile", "huge"][..],
        &["scoring", "bench", "--engine", "gpu"],
        &["scoring", "bench", "--seconds", "0"],
        &["scoring", "bench", "--batch", "0"],
        &["scoring", "engine", "--scorer", "tpu"],
    ] {
        let out = wtao(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert_eq!(stderr.matches("error:").count(), 1, "{args:?}: {stderr}");
    }
}
