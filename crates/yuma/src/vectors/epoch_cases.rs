//! Epoch cases: a sequence of epochs, each run through the public API and checked against its
//! upstream assertions (`asserted`) and, bit for bit, against the harness's `reference_output`.

use serde_json::{Map, Value};

use super::compare::{Got, check};
use super::json::{bool_vec, int, u16_sparse, u64_vec};
use crate::fixed::{I32F32, u16_proportion_to_fixed};
use crate::hyperparameters::Hyperparameters;
use crate::input::{EpochInput, EpochOutput, SparseRow, Variant};
use crate::trace::{EpochTrace, TraceMatrix};
use crate::{epoch_dense_with_trace, epoch_with_trace};

/// State carried from one epoch of a case to the next (for epochs given by a rule rather than a
/// full `epoch_input`).
#[derive(Default)]
struct Carry {
    bonds: Option<Vec<SparseRow>>,
    permits: Option<Vec<bool>>,
}

/// Runs one epoch case; returns its failures (empty = pass).
pub(crate) fn run_case(case: &Value, options: super::Options) -> Vec<String> {
    let mut failures = Vec::new();
    let Some(epochs) = case.get("epochs").and_then(Value::as_array) else {
        return vec!["no `epochs` list".to_owned()];
    };
    let mut carry = Carry::default();
    for (index, epoch) in epochs.iter().enumerate() {
        let label = epoch.get("label").and_then(Value::as_str).unwrap_or("");
        let at = |msg: String| format!("epoch {index} ({label}): {msg}");
        let input = match epoch_input(case, epoch, &carry) {
            Ok(i) => i,
            Err(e) => {
                failures.push(at(e));
                return failures;
            }
        };
        let variant = variant(case, label);
        let (output, trace) = match variant {
            Variant::Sparse => epoch_with_trace(&input),
            Variant::Dense => epoch_dense_with_trace(&input),
        };
        for a in epoch.get("asserted").and_then(Value::as_array).into_iter().flatten() {
            if let Err(e) = check_assertion(&output, a) {
                failures.push(at(e));
            }
        }
        let reference = epoch.get("reference_output").filter(|r| r.is_object());
        if variant == Variant::Sparse && options.cross_check_reference {
            let (ref_output, ref_trace) = crate::epoch_reference(&input);
            if ref_output != output {
                failures.push(at("optimised epoch output differs from epoch_reference".to_owned()));
            }
            if ref_trace != trace {
                failures.push(at("optimised epoch trace differs from epoch_reference".to_owned()));
            }
        }
        if !options.assertions_only
            && let Some(reference) = reference
        {
            for e in check_reference(&output, &trace, reference) {
                failures.push(at(e));
            }
        }
        // The next epoch starts from the stored state the reference recorded, else from ours.
        carry.bonds = reference
            .and_then(|r| r.get("bonds_after"))
            .and_then(u16_sparse)
            .or(Some(output.bonds));
        carry.permits = reference
            .and_then(|r| r.get("new_validator_permit"))
            .and_then(bool_vec)
            .or(Some(output.new_validator_permit));
    }
    failures
}

/// `variant` of the case, or per epoch for mixed cases ("… dense" labels run densely).
fn variant(case: &Value, label: &str) -> Variant {
    match case.get("variant").and_then(Value::as_str) {
        Some("sparse") => Variant::Sparse,
        Some("dense") => Variant::Dense,
        _ if label.to_ascii_lowercase().contains("dense") => Variant::Dense,
        _ => Variant::Sparse,
    }
}

fn hyperparameters(map: Option<&Map<String, Value>>) -> (Hyperparameters, u64) {
    let mut hp = Hyperparameters { tao_weight: 0, ..Hyperparameters::default() };
    let mut rao = 1_000_000_000;
    let Some(map) = map else { return (hp, rao) };
    let get_u64 = |k: &str| map.get(k).and_then(Value::as_u64);
    let get_u16 = |k: &str| get_u64(k).and_then(|v| u16::try_from(v).ok());
    let get_bool = |k: &str| map.get(k).and_then(Value::as_bool);
    if let Some(v) = get_u16("kappa") {
        hp.kappa = v;
    }
    if let Some(v) = get_u16("bonds_penalty") {
        hp.bonds_penalty = v;
    }
    if let Some(v) = get_u64("bonds_moving_average") {
        hp.bonds_moving_average = v;
    }
    if let Some(v) = get_bool("yuma3") {
        hp.yuma3 = v;
    }
    if let Some(v) = get_bool("liquid_alpha") {
        hp.liquid_alpha = v;
    }
    if let Some(v) = get_u16("alpha_low") {
        hp.alpha_low = v;
    }
    if let Some(v) = get_u16("alpha_high") {
        hp.alpha_high = v;
    }
    if let Some(v) = map.get("alpha_sigmoid_steepness").and_then(Value::as_i64) {
        hp.alpha_sigmoid_steepness = i16::try_from(v).unwrap_or(hp.alpha_sigmoid_steepness);
    }
    if let Some(v) = get_u16("max_allowed_validators") {
        hp.max_allowed_validators = v;
    }
    if let Some(v) = get_u64("activity_cutoff_blocks").or_else(|| get_u64("activity_cutoff")) {
        hp.activity_cutoff = v;
    }
    if let Some(v) = get_u16("tempo") {
        hp.tempo = v;
    }
    if let Some(v) = get_u64("stake_threshold") {
        hp.stake_threshold = v;
    }
    if let Some(v) = get_u64("tao_weight") {
        hp.tao_weight = v;
    }
    hp.owner_uid = get_u16("owner_uid");
    if let Some(v) = get_u64("rao_emission") {
        rao = v;
    }
    (hp, rao)
}

fn epoch_input(case: &Value, epoch: &Value, carry: &Carry) -> Result<EpochInput, String> {
    let hp_map = epoch
        .get("hyperparameters")
        .and_then(Value::as_object)
        .or_else(|| case.get("initial_hyperparameters").and_then(Value::as_object));
    let (hyperparameters, rao_emission) = hyperparameters(hp_map);
    let base = EpochInput { rao_emission, hyperparameters, ..EpochInput::default() };
    match epoch.get("epoch_input").filter(|v| v.is_object()) {
        Some(input) => parse_input(input, base),
        None => derive_input(case, epoch, carry, base),
    }
}

fn parse_input(v: &Value, base: EpochInput) -> Result<EpochInput, String> {
    let field = |k: &str| v.get(k).filter(|x| !x.is_null());
    let need = |k: &str| field(k).ok_or_else(|| format!("epoch_input has no `{k}`"));
    let bad = |k: &str| format!("epoch_input.{k} is malformed");
    let n = need("n")?.as_u64().and_then(|x| u16::try_from(x).ok()).ok_or_else(|| bad("n"))?;
    let u64s = |k: &str| field(k).map_or(Ok(Vec::new()), |x| u64_vec(x).ok_or_else(|| bad(k)));
    let rows = |k: &str| field(k).map_or(Ok(Vec::new()), |x| u16_sparse(x).ok_or_else(|| bad(k)));
    Ok(EpochInput {
        n,
        current_block: need("current_block")?.as_u64().ok_or_else(|| bad("current_block"))?,
        last_mechanism_step_block: field("last_mechanism_step_block")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        stake: u64s("stake")?,
        tao_stake: u64s("tao_stake")?,
        weights: rows("weights")?,
        bonds: rows("bonds")?,
        last_update: u64s("last_update")?,
        block_at_registration: u64s("block_at_registration")?,
        validator_permit: field("validator_permit")
            .map_or(Ok(Vec::new()), |x| bool_vec(x).ok_or_else(|| bad("validator_permit")))?,
        commit_blocks: field("commit_blocks")
            .map(|x| u64_vec(x).ok_or_else(|| bad("commit_blocks")))
            .transpose()?,
        ..base
    })
}

/// Inputs of epochs given by `inputs_rule` (the large graph tests): `validators` hold
/// `stake_validator` and weight every other uid with the stored value named in the `weights`
/// text; servers optionally self-weight. The first ("permit") epoch runs before any weights are
/// set; later epochs start from the previous epoch's permits and bonds.
fn derive_input(
    case: &Value,
    epoch: &Value,
    carry: &Carry,
    base: EpochInput,
) -> Result<EpochInput, String> {
    let rule =
        case.get("inputs_rule").ok_or("epoch has neither `epoch_input` nor an `inputs_rule`")?;
    let n_u64 = rule.get("n").and_then(Value::as_u64).ok_or("inputs_rule.n missing")?;
    let n = u16::try_from(n_u64).map_err(|_| "inputs_rule.n is not a u16".to_owned())?;
    let nu = usize::from(n);
    let validators: Vec<usize> = rule
        .get("validators")
        .and_then(u64_vec)
        .ok_or("inputs_rule.validators missing")?
        .into_iter()
        .filter_map(|v| usize::try_from(v).ok())
        .collect();
    let is_validator: Vec<bool> = (0..nu).map(|i| validators.contains(&i)).collect();
    let stake_validator = rule.get("stake_validator").and_then(Value::as_u64).unwrap_or(0);
    let rule_text = rule.get("weights").and_then(Value::as_str).unwrap_or("");
    let stored =
        number_after(rule_text, "stored ").and_then(|v| u16::try_from(v).ok()).unwrap_or(u16::MAX);
    let validator_update = number_after(rule_text, "last_update of validators = ").unwrap_or(1);
    let registered = rule.get("block_at_registration").and_then(Value::as_u64).unwrap_or(0);
    let current_block = rule.get("current_block").and_then(Value::as_u64).unwrap_or(1);
    let id = case.get("id").and_then(Value::as_str).unwrap_or("");
    let description = case.get("description").and_then(Value::as_str).unwrap_or("");
    let server_self =
        id.contains("serverself1") || description.contains("servers also set self-weight");
    let label = epoch.get("label").and_then(Value::as_str).unwrap_or("");
    let permit_epoch = label.contains("permit");

    let servers: SparseRow =
        (0..n).filter(|j| !at(&is_validator, usize::from(*j))).map(|j| (j, stored)).collect();
    let weights = (0..n)
        .map(|i| {
            if permit_epoch {
                Vec::new()
            } else if at(&is_validator, usize::from(i)) {
                servers.clone()
            } else if server_self {
                vec![(i, u16::MAX)]
            } else {
                Vec::new()
            }
        })
        .collect();
    let last_update = (0..nu)
        .map(|i| {
            let sets_weights = at(&is_validator, i) || server_self;
            if permit_epoch || !sets_weights { 0 } else { validator_update }
        })
        .collect();
    Ok(EpochInput {
        n,
        current_block,
        stake: (0..nu).map(|i| if at(&is_validator, i) { stake_validator } else { 0 }).collect(),
        weights,
        bonds: carry.bonds.clone().unwrap_or_default(),
        last_update,
        block_at_registration: vec![registered; nu],
        validator_permit: carry.permits.clone().unwrap_or_default(),
        ..base
    })
}

fn at<T: Copy + Default>(v: &[T], i: usize) -> T {
    v.get(i).copied().unwrap_or_default()
}

/// The integer right after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> Option<u64> {
    let start = text.find(prefix)?.checked_add(prefix.len())?;
    let digits: String = text.get(start..)?.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// One value of the output named by an assertion.
enum Observed {
    Int(i128),
    Bool(bool),
    Fixed(I32F32),
}

fn observe(output: &EpochOutput, quantity: &str, selector: &Value) -> Result<Observed, String> {
    let uid = || {
        selector
            .as_u64()
            .and_then(|u| usize::try_from(u).ok())
            .ok_or_else(|| format!("bad selector {selector}"))
    };
    let pick16 = |v: &[u16]| -> Result<Observed, String> {
        let i = uid()?;
        v.get(i)
            .map(|x| Observed::Int(i128::from(*x)))
            .ok_or_else(|| format!("uid {i} out of range"))
    };
    let pick64 = |v: &[u64]| -> Result<Observed, String> {
        let i = uid()?;
        v.get(i)
            .map(|x| Observed::Int(i128::from(*x)))
            .ok_or_else(|| format!("uid {i} out of range"))
    };
    let pickb = |v: &[bool]| -> Result<Observed, String> {
        let i = uid()?;
        v.get(i).map(|x| Observed::Bool(*x)).ok_or_else(|| format!("uid {i} out of range"))
    };
    let u16s = |q: &str| -> Option<&[u16]> {
        Some(match q {
            "consensus" => &output.consensus,
            "incentive" => &output.incentive,
            "dividends" => &output.dividends,
            "validator_trust" => &output.validator_trust,
            "stake_weight" => &output.stake_weight,
            _ => return None,
        })
    };
    if let Some(v) = u16s(quantity) {
        return pick16(v);
    }
    if let Some(base) = quantity.strip_suffix("_u16_as_fixed") {
        let v = u16s(base).ok_or_else(|| format!("unknown quantity `{quantity}`"))?;
        let i = uid()?;
        let x = v.get(i).ok_or_else(|| format!("uid {i} out of range"))?;
        return Ok(Observed::Fixed(u16_proportion_to_fixed(*x)));
    }
    match quantity {
        "server_emission" => pick64(&output.server_emission),
        "validator_emission" => pick64(&output.validator_emission),
        "combined_emission" | "emission" => pick64(&output.combined_emission),
        "total_stake" | "stake" => pick64(&output.total_stake),
        "new_validator_permit" | "validator_permit" => pickb(&output.new_validator_permit),
        "active" => pickb(&output.active),
        // Removed outputs (SPEC §10): the getters return constants.
        "rank" | "trust" => Ok(Observed::Int(0)),
        "pruning_score" => Ok(Observed::Int(65_535)),
        "bonds" => {
            let pair =
                selector.as_array().ok_or_else(|| format!("bad bonds selector {selector}"))?;
            let (i, j) = match pair.as_slice() {
                [i, j] => (i.as_u64(), j.as_u64()),
                _ => (None, None),
            };
            let (i, j) = i.zip(j).ok_or_else(|| format!("bad bonds selector {selector}"))?;
            let row = output.bonds.get(usize::try_from(i).unwrap_or(usize::MAX));
            let value =
                row.and_then(|r| r.iter().find(|(c, _)| u64::from(*c) == j)).map_or(0, |(_, v)| *v);
            Ok(Observed::Int(i128::from(value)))
        }
        other => Err(format!("unknown quantity `{other}`")),
    }
}

fn check_assertion(output: &EpochOutput, a: &Value) -> Result<(), String> {
    let quantity = a.get("quantity").and_then(Value::as_str).unwrap_or("");
    let selector = a.get("selector").unwrap_or(&Value::Null);
    let comparison = a.get("comparison").and_then(Value::as_str).unwrap_or("==");
    let expected = a.get("expected").unwrap_or(&Value::Null);
    let tolerance = a.get("tolerance").unwrap_or(&Value::Null);
    let observed = observe(output, quantity, selector)?;
    let fail = |shown: String| {
        Err(format!("{quantity}[{selector}]: expected {comparison} {expected}, got {shown}"))
    };
    match observed {
        Observed::Bool(b) => {
            let e = expected.as_bool().ok_or_else(|| format!("{quantity}: expected a bool"))?;
            let ok = match comparison {
                "==" => b == e,
                "!=" => b != e,
                _ => return Err(format!("{quantity}: comparison `{comparison}` on a bool")),
            };
            if ok { Ok(()) } else { fail(b.to_string()) }
        }
        Observed::Int(x) => {
            let e = int(expected).ok_or_else(|| format!("{quantity}: expected an integer"))?;
            let tol = int(tolerance).unwrap_or(0);
            if compare(x, e, tol, comparison)? { Ok(()) } else { fail(x.to_string()) }
        }
        Observed::Fixed(x) => {
            let e = expected.as_f64().ok_or_else(|| format!("{quantity}: expected a number"))?;
            let e = I32F32::saturating_from_f64(e);
            let tol = I32F32::saturating_from_f64(tolerance.as_f64().unwrap_or(0.0));
            let ok = compare(
                i128::from(x.to_bits()),
                i128::from(e.to_bits()),
                i128::from(tol.to_bits()),
                comparison,
            )?;
            if ok { Ok(()) } else { fail(x.to_string()) }
        }
    }
}

fn compare(x: i128, e: i128, tolerance: i128, comparison: &str) -> Result<bool, String> {
    Ok(match comparison {
        "==" => x == e,
        "!=" => x != e,
        ">" => x > e,
        ">=" => x >= e,
        "<" => x < e,
        "<=" => x <= e,
        "abs<=" => x.abs_diff(e) <= tolerance.unsigned_abs(),
        other => return Err(format!("unknown comparison `{other}`")),
    })
}

/// Bit-for-bit comparison with every field the harness recorded.
fn check_reference(output: &EpochOutput, trace: &EpochTrace, reference: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let mut cmp = |name: &str, got: Got| {
        if let Some(expected) = reference.get(name)
            && let Err(e) = check(&got, expected, 0)
        {
            failures.push(format!("reference_output.{name}: {e}"));
        }
    };
    cmp("active", Got::Bools(output.active.clone()));
    cmp("stake_weight", Got::U16s(output.stake_weight.clone()));
    cmp("new_validator_permit", Got::Bools(output.new_validator_permit.clone()));
    cmp("consensus", Got::U16s(output.consensus.clone()));
    cmp("incentive", Got::U16s(output.incentive.clone()));
    cmp("dividends", Got::U16s(output.dividends.clone()));
    cmp("validator_trust", Got::U16s(output.validator_trust.clone()));
    cmp("server_emission", Got::U64s(output.server_emission.clone()));
    cmp("validator_emission", Got::U64s(output.validator_emission.clone()));
    cmp("combined_emission", Got::U64s(output.combined_emission.clone()));
    cmp("bonds_after", Got::U16Sparse(output.bonds.clone()));
    let Some(bits) = reference.get("i32f32_bits").filter(|b| b.is_object()) else {
        return failures;
    };
    let mut cmp_bits = |name: &str, got: Got| {
        if let Some(expected) = bits.get(name)
            && let Err(e) = check(&got, expected, 0)
        {
            failures.push(format!("i32f32_bits.{name}: {e}"));
        }
    };
    cmp_bits("stake", Got::BitsVec(trace.stake.clone()));
    cmp_bits("active_stake", Got::BitsVec(trace.active_stake.clone()));
    cmp_bits("consensus", Got::BitsVec(trace.consensus.clone()));
    cmp_bits("incentive", Got::BitsVec(trace.incentive.clone()));
    cmp_bits("dividends", Got::BitsVec(trace.dividends.clone()));
    cmp_bits("validator_trust", Got::BitsVec(trace.validator_trust.clone()));
    cmp_bits("last_tempo", Got::U64(trace.last_tempo));
    for (name, m) in [
        ("weights_norm", &trace.weights_norm),
        ("clipped_weights", &trace.clipped_weights),
        ("weights_for_bonds", &trace.weights_for_bonds),
        ("ema_bonds", &trace.ema_bonds),
    ] {
        let got = match m {
            TraceMatrix::Sparse(s) => Got::Sparse(s.clone()),
            TraceMatrix::Dense(d) => Got::Dense(d.clone()),
        };
        cmp_bits(name, got);
    }
    if let Some(expected) = bits.get("extra").and_then(|e| e.get("liquid_alphas")) {
        let got = Got::Dense(trace.liquid_alphas.clone().unwrap_or_default());
        if let Err(e) = check(&got, expected, 0) {
            failures.push(format!("i32f32_bits.extra.liquid_alphas: {e}"));
        }
    }
    failures
}
