//! Weights equal the bittensor SDK's, on vectors it produced (`tests/vectors/weights.json`, from
//! `gen_weights.py`) and, where the SDK is installed (`.venv/bittensor` at the repository root,
//! or `WTAO_BITTENSOR_PYTHON`), on fresh cases run through it now.

use std::{path::PathBuf, process::Command};

use serde_json::{Value, json};
use wtao_scoring::weights_u16;

use crate::support::Rng;

const SDK_VECTORS: &str = include_str!("../vectors/weights.json");

fn pairs(v: &Value) -> Vec<(u16, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (u16::try_from(p[0].as_u64().unwrap()).unwrap(), p[1].as_u64().unwrap()))
        .collect()
}

fn as_u16(v: Vec<(u16, u64)>) -> Vec<(u16, u16)> {
    v.into_iter().map(|(u, w)| (u, u16::try_from(w).unwrap())).collect()
}

#[test]
fn weights_match_the_sdk_vectors() {
    let doc: Value = serde_json::from_str(SDK_VECTORS).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    for case in cases {
        let scores = pairs(&case["scores"]);
        let want = as_u16(pairs(&case["weights"]));
        assert_eq!(weights_u16(&scores).unwrap(), want, "scores {scores:?}");
    }
}

/// The Python with the bittensor SDK, if this checkout has one.
fn sdk_python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WTAO_BITTENSOR_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let p = root.join(".venv/bittensor/bin/python");
    p.exists().then_some(p)
}

#[test]
fn weights_match_the_installed_sdk_on_fresh_cases() {
    let Some(python) = sdk_python() else {
        println!(
            "skipped: no bittensor SDK (.venv/bittensor or WTAO_BITTENSOR_PYTHON); the checked-in SDK vectors still ran"
        );
        return;
    };
    let mut rng = Rng(0x5d4);
    let cases: Vec<Vec<(u16, u64)>> = (0..200)
        .map(|_| {
            let n = rng.range(1, 40) as u16;
            let top = [3, 7, 30, 1_000, 1 << 20][rng.range(0, 4) as usize];
            (0..n).map(|u| (u, rng.range(0, top))).collect()
        })
        .collect();
    let script = r#"
import json, sys
from bittensor.intents.weights import normalize
out = []
for scores in json.load(sys.stdin):
    uids, vals = normalize([u for u, _ in scores], [float(s) for _, s in scores])
    out.append([[u, v] for u, v in zip(uids, vals)])
print(json.dumps(out))
"#;
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(json!(cases).to_string().as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{} failed: {}",
        python.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let sdk: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    for (scores, want) in cases.iter().zip(&sdk) {
        assert_eq!(weights_u16(scores).unwrap(), as_u16(pairs(want)), "scores {scores:?}");
    }
}
