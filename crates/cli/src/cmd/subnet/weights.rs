//! `wtao subnet weights --netuid N --uids 1,2,3 --weights 0.5,0.3,0.2`: set_weights, signed by
//! the validator's hotkey.
//!
//! Floats become the chain's u16 exactly as the bittensor SDK's `set_weights` makes them
//! (`convert_and_normalize_weights_and_uids` → `convert_weights_and_uids_for_emit`): the list is
//! a float32 array (a decimal is read as a float64, then rounded to float32, as numpy does
//! with Python floats), each weight over the largest in float64, times 65535, rounded half to
//! even (Python's `round`), zeros dropped; all-zero weights are refused here (the SDK would send
//! an empty vector, which clears nothing useful). The version key defaults to the subnet's
//! `WeightsVersionKey`, the least the chain accepts.

use std::fmt;

use clap::Args;
use eyre::{bail, eyre};
use serde_json::json;

use super::{HotkeyArgs, errors::explain, unit};
use crate::{args::EndpointArgs, chain, output::Output, units};

/// Options of `wtao subnet weights`.
#[derive(Debug, Args)]
pub(crate) struct WeightsArgs {
    /// The subnet.
    #[arg(long, value_name = "N")]
    netuid: u16,

    /// The uids to weight, comma-separated: `1,2,3`.
    #[arg(long, value_name = "UIDS", value_delimiter = ',', required = true)]
    uids: Vec<u16>,

    /// Their weights, comma-separated non-negative numbers in the same order: `0.5,0.3,0.2`
    /// (any scale: the largest becomes 65535).
    #[arg(
        long,
        value_name = "WEIGHTS",
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    weights: Vec<f64>,

    /// The version key to send [default: the subnet's WeightsVersionKey].
    #[arg(long, value_name = "N")]
    version_key: Option<u64>,

    #[command(flatten)]
    hotkey: HotkeyArgs,

    #[command(flatten)]
    endpoints: EndpointArgs,
}

/// Why weights were refused before anything was signed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum WeightsInputError {
    /// `--uids` and `--weights` differ in length.
    Lengths(usize, usize),
    /// A weight below zero, or not a number.
    Negative(f64),
    /// A uid twice.
    Duplicate(u16),
    /// Every weight is zero.
    AllZero,
}

impl fmt::Display for WeightsInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Lengths(u, w) => {
                write!(f, "{u} uids but {w} weights: give one weight per uid, in the same order")
            }
            Self::Negative(w) => write!(f, "weight {w} is not a non-negative number"),
            Self::Duplicate(u) => write!(f, "uid {u} appears twice in --uids"),
            Self::AllZero => write!(f, "every weight is zero: nothing to set"),
        }
    }
}

impl std::error::Error for WeightsInputError {}

/// `(uid, u16 weight)` pairs as the bittensor SDK computes them (see the module docs), in the
/// order given.
pub(crate) fn normalise(
    uids: &[u16],
    weights: &[f64],
) -> Result<Vec<(u16, u16)>, WeightsInputError> {
    if uids.len() != weights.len() {
        return Err(WeightsInputError::Lengths(uids.len(), weights.len()));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(u) = uids.iter().find(|u| !seen.insert(**u)) {
        return Err(WeightsInputError::Duplicate(*u));
    }
    // numpy's float32 array of the Python floats.
    let mut values = Vec::with_capacity(weights.len());
    for w in weights {
        let v = *w as f32;
        if !v.is_finite() || v < 0.0 {
            return Err(WeightsInputError::Negative(*w));
        }
        values.push(v);
    }
    let max = values.iter().copied().fold(0.0f32, f32::max);
    if max == 0.0 {
        return Err(WeightsInputError::AllZero);
    }
    let max = f64::from(max);
    Ok(uids
        .iter()
        .zip(values)
        .filter_map(|(uid, v)| {
            let scaled = (f64::from(v) / max * f64::from(u16::MAX)).round_ties_even();
            // 0 ≤ scaled ≤ 65535: v ≤ max.
            let value = scaled as u16;
            (value != 0).then_some((*uid, value))
        })
        .collect())
}

impl WeightsArgs {
    /// The parsed `--uids` and `--weights`.
    #[cfg(test)]
    pub(crate) fn uids_for_test(&self) -> (&[u16], &[f64]) {
        (&self.uids, &self.weights)
    }

    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        let weights = normalise(&self.uids, &self.weights)?;
        let ep = self.endpoints.resolve()?;
        let rpc = ep.tao_rpc()?;
        let pair = self.hotkey.signer()?;
        let hotkey = pair.public_key().to_account_id();
        let netuid = self.netuid;
        if netuid == 0 {
            bail!("weights are set on subnets 1, 2, …, not on root (netuid 0)");
        }
        let data = chain::block_on(async {
            let tao = chain::tao(rpc).await?;
            super::ensure_subnet(&tao, netuid).await?;
            let uid = tao.uid(netuid, &hotkey).await?.ok_or_else(|| {
                eyre!(
                    "{hotkey} is not registered on subnet {netuid}: `wtao subnet register \
                     --netuid {netuid} --hotkey {hotkey}` first"
                )
            })?;
            let info = tao.subnet_info(netuid).await?;
            let version_key = self.version_key.unwrap_or(info.weights_version_key);
            let m = tao.metagraph(netuid).await?;
            let last = m.last_update.get(usize::from(uid)).copied().unwrap_or(0);
            let next = last.saturating_add(info.weights_rate_limit);
            let fee_payer = tao.free_balance(&hotkey).await?;
            out.progress(&format!(
                "setting {} weights of uid {uid} ({hotkey}) on subnet {netuid}, version key \
                 {version_key}",
                weights.len()
            ));
            let receipt = tao
                .set_weights(&pair, netuid, &weights, version_key)
                .await
                .map_err(|e| {
                    explain(e, |name| match name {
                        "SettingWeightsTooFast" => Some(format!(
                            "uid {uid} last set weights at block {last} and the subnet allows \
                             one update per {} blocks: retry at block {next}",
                            info.weights_rate_limit
                        )),
                        "IncorrectWeightVersionKey" => Some(format!(
                            "the subnet needs version key {} or more, {version_key} was sent",
                            info.weights_version_key
                        )),
                        _ => None,
                    })
                })
                .map_err(|e| {
                    // A hotkey that cannot pay the fee is refused by the pool, before dispatch.
                    if fee_payer.0 == 0 {
                        e.wrap_err(format!(
                            "the hotkey pays set_weights' fee and {hotkey} has no TAO: send it \
                             some first"
                        ))
                    } else {
                        e
                    }
                })?;
            eyre::Ok(json!({
                "netuid": netuid,
                "uid": uid,
                "hotkey": hotkey.to_string(),
                "version_key": version_key.to_string(),
                "weights": weights.iter().map(|(u, w)| json!({"uid": u, "u16": w, "float": unit(*w)}))
                    .collect::<Vec<_>>(),
                "fee_rao": receipt.fee.0.to_string(),
                "block": receipt.block_number,
            }))
        })??;
        let list: Vec<String> =
            weights.iter().map(|(u, w)| format!("uid {u} → {w} ({:.4})", unit(*w))).collect();
        let fee = data["fee_rao"].as_str().and_then(|s| s.parse::<u128>().ok()).unwrap_or(0);
        let human = format!(
            "set weights of uid {} on subnet {netuid} at block {}: {}; fee {}",
            data["uid"],
            data["block"],
            list.join(", "),
            units::tao(fee)
        );
        out.success(data, &human);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_become_u16_as_the_sdk_makes_them() {
        // float32(0.3) / 0.5 · 65535 = 39321.0016 → 39321; float32(0.2) → 26214.0004 → 26214.
        assert_eq!(
            normalise(&[1, 2, 3], &[0.5, 0.3, 0.2]).unwrap(),
            [(1, 65_535), (2, 39_321), (3, 26_214)]
        );
        // 1/6 · 65535 is exactly 10922.5 in doubles: Python's round gives the even 10922.
        assert_eq!(normalise(&[0, 1], &[1.0, 6.0]).unwrap(), [(0, 10_922), (1, 65_535)]);
        assert_eq!(normalise(&[0, 1], &[1.0, 2.0]).unwrap(), [(0, 32_768), (1, 65_535)]);
        // Order is kept, zeros (and weights that round to zero) are dropped.
        assert_eq!(normalise(&[9, 4, 7], &[0.0, 2.0, 1e-6]).unwrap(), [(4, 65_535)]);
        // Scale does not matter.
        assert_eq!(
            normalise(&[1, 2], &[50.0, 25.0]).unwrap(),
            normalise(&[1, 2], &[1.0, 0.5]).unwrap()
        );
    }

    #[test]
    fn bad_weights_are_refused_before_signing() {
        assert_eq!(normalise(&[1, 2], &[1.0]), Err(WeightsInputError::Lengths(2, 1)));
        assert_eq!(normalise(&[1, 1], &[1.0, 1.0]), Err(WeightsInputError::Duplicate(1)));
        assert_eq!(normalise(&[1], &[-0.5]), Err(WeightsInputError::Negative(-0.5)));
        assert!(matches!(normalise(&[1], &[f64::NAN]), Err(WeightsInputError::Negative(_))));
        assert_eq!(normalise(&[1, 2], &[0.0, 0.0]), Err(WeightsInputError::AllZero));
        assert!(WeightsInputError::AllZero.to_string().contains("zero"));
    }
}
