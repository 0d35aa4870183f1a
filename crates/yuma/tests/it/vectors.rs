//! Every case of the crate's own copy of the upstream vectors.

use std::path::PathBuf;

use serde_json::Value;
use yuma::vectors::{CaseKind, Options, Report, run_file, run_json};

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/vectors.json")
}

fn load() -> Value {
    let text = std::fs::read_to_string(vectors_path()).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn describe(report: &Report) -> String {
    report
        .failures()
        .map(|c| format!("{}: {}", c.id, c.failures.join("; ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_case_passes_bit_exact() {
    let options = Options { assertions_only: false, cross_check_reference: true };
    let report = run_file(&vectors_path(), options).unwrap();
    assert_eq!(report.failed(), 0, "failing cases:\n{}", describe(&report));

    // Nothing was skipped: the file's own counts match what ran.
    let json = load();
    let counts = &json["counts"];
    let math = report.cases.iter().filter(|c| c.kind == CaseKind::Math).count();
    let epoch_cases: Vec<_> = report.cases.iter().filter(|c| c.kind == CaseKind::Epoch).collect();
    let epochs: usize = epoch_cases.iter().map(|c| c.epochs).sum();
    assert_eq!(math as u64, counts["math_cases"].as_u64().unwrap());
    assert_eq!(epoch_cases.len() as u64, counts["epoch_cases"].as_u64().unwrap());
    assert_eq!(epochs as u64, counts["epochs_total"].as_u64().unwrap());
    assert_eq!((math, epoch_cases.len(), epochs), (106, 31, 169));
}

#[test]
fn assertions_alone_pass_too() {
    let report =
        run_file(&vectors_path(), Options { assertions_only: true, ..Options::default() }).unwrap();
    assert_eq!(report.failed(), 0, "failing cases:\n{}", describe(&report));
}

/// The runner must notice a wrong expectation (a test that cannot fail proves nothing).
#[test]
fn runner_detects_corrupted_expectations() {
    let mut json = load();
    // A math case: shift the expected bits of the first exp_safe case.
    let math = json["math_cases"].as_array_mut().unwrap();
    let exp_case = math.iter_mut().find(|c| c["function"] == "exp_safe").unwrap();
    let id = exp_case["id"].as_str().unwrap().to_owned();
    exp_case["expected"] = Value::from(exp_case["expected"].as_i64().unwrap() + 1);
    // An epoch case: flip one asserted emission and one reference bit.
    let epochs = json["epoch_cases"].as_array_mut().unwrap();
    let case = epochs.iter_mut().find(|c| c["id"] == "test_bonds_sparse").unwrap();
    let assertion = &mut case["epochs"][1]["asserted"][0];
    assertion["expected"] = Value::from(assertion["expected"].as_u64().unwrap_or(0) + 7);
    let other = epochs.iter_mut().find(|c| c["id"] == "test_active_stake").unwrap();
    let stake = &mut other["epochs"][2]["reference_output"]["i32f32_bits"]["active_stake"][0];
    *stake = Value::from(stake.as_i64().unwrap() + 1);

    let report = run_json(&json, Options::default());
    let failed: Vec<&str> = report.failures().map(|c| c.id.as_str()).collect();
    assert_eq!(failed, vec![id.as_str(), "test_bonds_sparse", "test_active_stake"]);
    // Reference mismatches are ignored when only assertions are checked.
    let relaxed = run_json(&json, Options { assertions_only: true, ..Options::default() });
    let failed: Vec<&str> = relaxed.failures().map(|c| c.id.as_str()).collect();
    assert_eq!(failed, vec![id.as_str(), "test_bonds_sparse"]);
}
