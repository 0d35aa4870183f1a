//! A call SubtensorModule refused, said once with what to do: `add_stake failed:
//! SubtensorModule.NotEnoughBalanceToStake — 5Grw… has 0.5 TAO free, 1 TAO + the fee is
//! needed`. The pallet's error name stays in the message (it is what btcli and the SDK show,
//! and what people search for) and in the `--json` code, `subtensor.<Name>`.

use std::fmt;

use tao_client::TaoClientError;

/// What to do about each error a subnet command can meet (those the CLI checks itself before
/// submitting still have one, for races and other clients' endpoints), and its `--json` code.
macro_rules! hints {
    ($($name:ident => $hint:literal,)*) => {
        &[$((stringify!($name), concat!("subtensor.", stringify!($name)), $hint)),*]
    };
}

/// `(error name, --json code, what to do)`.
const HINTS: &[(&str, &str, &str)] = hints! {
    NotEnoughBalanceToStake => "the coldkey's free balance cannot pay this amount and the fee",
    NotEnoughStakeToWithdraw => "the coldkey has less stake on this hotkey and subnet",
    HotKeyNotRegisteredInSubNet => "register the hotkey first: `wtao subnet register`",
    HotKeyNotRegisteredInNetwork => "register the hotkey first: `wtao subnet register`",
    HotKeyAccountNotExists => "register the hotkey on a subnet first: `wtao subnet register`",
    NonAssociatedColdKey => "the hotkey belongs to another coldkey: sign with that coldkey",
    HotKeyAlreadyRegisteredInSubNet => "this hotkey already has a uid here: see `wtao subnet metagraph`",
    TooManyRegistrationsThisBlock => "the subnet took its registrations for this block: retry in a block",
    TooManyRegistrationsThisInterval => "the subnet took its registrations for this interval: retry later",
    SubNetRegistrationDisabled => "the subnet's owner has closed registration",
    RegistrationNotPermittedOnRootSubnet => "neurons register on subnets 1, 2, …, not on root",
    NoNeuronIdAvailable => "the subnet is full and every neuron is immune: retry after the immunity period",
    NotEnoughStakeToSetWeights => "stake more to this hotkey (`wtao subnet stake`)",
    NeuronNoValidatorPermit => "the hotkey has no validator permit yet: permits go to the top stakes at each epoch; stake and wait for the next epoch",
    SettingWeightsTooFast => "weights were set less than WeightsSetRateLimit blocks ago: wait and retry",
    IncorrectWeightVersionKey => "pass --version-key at least the subnet's WeightsVersionKey (`wtao subnet list --json`)",
    WeightVecLengthIsLow => "set weights on at least the subnet's MinAllowedWeights uids",
    UidVecContainInvalidOne => "a uid has no neuron: see `wtao subnet metagraph`",
    UidsLengthExceedUidsInSubNet => "more uids than neurons on the subnet",
    DuplicateUids => "each uid once",
    MaxWeightExceeded => "one weight is above the subnet's MaxWeightsLimit: spread the weights",
    CanNotSetRootNetworkWeights => "weights are set on subnets 1, 2, …, not on root",
    CommitRevealEnabled => "the subnet uses commit-reveal, which tao-node does not run: the owner must disable it",
    NetworkTxRateLimitExceeded => "a subnet was created less than NetworkRateLimit blocks ago: wait and retry",
    SubnetNotExists => "no such subnet: `wtao subnet list`",
    MechanismDoesNotExist => "no such subnet: `wtao subnet list`",
    StakingRateLimitExceeded => "wait a block and retry",
    AmountTooLow => "the amount is below the chain's minimum stake",
    SubtokenDisabled => "staking is not enabled on this subnet yet",
    SubnetLimitReached => "the chain has as many subnets as SubnetLimit allows",
    InsufficientBalance => "the coldkey's free balance cannot pay this amount and the fee",
    CannotAffordLockCost => "the coldkey's free balance cannot pay the lock cost (`wtao subnet create` shows it)",
    ZeroBalanceAfterWithdrawn => "keep some free TAO on the coldkey for fees",
};

/// A SubtensorModule (or other pallet) error with what to do.
#[derive(Debug)]
pub(crate) struct ChainError {
    /// `subtensor.<Name>` for the errors [`HINTS`] knows, else `subtensor` or `chain`.
    pub(crate) code: &'static str,
    message: String,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChainError {}

impl ChainError {
    /// The stable code of an error's chain: `subtensor.<Name>` when a [`ChainError`] is in it.
    pub(crate) fn code_of(err: &eyre::Report) -> Option<&'static str> {
        err.chain().find_map(|c| c.downcast_ref::<Self>().map(|e| e.code))
    }
}

/// The generic hint for a SubtensorModule error name.
pub(crate) fn hint(name: &str) -> Option<&'static str> {
    HINTS.iter().find(|(n, _, _)| *n == name).map(|(_, _, h)| *h)
}

/// Turns a client error into one the user can act on. `detail` gives a command's own,
/// concrete hint for an error name (amounts, blocks), preferred to the generic one.
pub(crate) fn explain(
    err: TaoClientError,
    detail: impl FnOnce(&str) -> Option<String>,
) -> eyre::Report {
    let TaoClientError::Dispatch { call, pallet, error } = &err else {
        return eyre::Report::new(err);
    };
    let what = detail(error).or_else(|| hint(error).map(str::to_owned));
    let message = match what {
        Some(what) => format!("{call} failed: {pallet}.{error} — {what}"),
        None => format!("{call} failed: {pallet}.{error}"),
    };
    let code = match HINTS.iter().find(|(n, _, _)| n == error) {
        Some((_, code, _)) if pallet == "SubtensorModule" => *code,
        _ if pallet == "SubtensorModule" => "subtensor",
        _ => "chain",
    };
    eyre::Report::new(ChainError { code, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dispatch(error: &str) -> TaoClientError {
        TaoClientError::Dispatch {
            call: "SubtensorModule.add_stake",
            pallet: "SubtensorModule".into(),
            error: error.into(),
        }
    }

    #[test]
    fn module_errors_keep_their_name_and_say_what_to_do() {
        let err = explain(dispatch("NotEnoughBalanceToStake"), |_| None);
        assert_eq!(
            err.to_string(),
            "SubtensorModule.add_stake failed: SubtensorModule.NotEnoughBalanceToStake — the \
             coldkey's free balance cannot pay this amount and the fee"
        );
        assert_eq!(ChainError::code_of(&err), Some("subtensor.NotEnoughBalanceToStake"));
        let err = explain(dispatch("NotEnoughBalanceToStake"), |name| {
            (name == "NotEnoughBalanceToStake").then(|| "2 TAO needed, 1 TAO free".to_owned())
        });
        assert!(err.to_string().ends_with("— 2 TAO needed, 1 TAO free"), "{err}");
        let err = explain(dispatch("SomethingNew"), |_| None);
        assert_eq!(ChainError::code_of(&err), Some("subtensor"));
        assert_eq!(
            err.to_string(),
            "SubtensorModule.add_stake failed: SubtensorModule.SomethingNew"
        );
    }

    #[test]
    fn other_errors_pass_through() {
        let err = explain(
            TaoClientError::DispatchOther { call: "x", reason: "BadOrigin".into() },
            |_| Some("unused".into()),
        );
        assert_eq!(err.to_string(), "x failed on chain: BadOrigin");
        assert_eq!(ChainError::code_of(&err), None);
    }

    #[test]
    fn every_hinted_name_is_a_subtensor_error() {
        // Names tao-node's SubtensorModule declares (node/src/runtime/subtensor/errors.rs).
        let declared = include_str!("../../../../../node/src/runtime/subtensor/errors.rs");
        for (name, _, hint) in HINTS {
            assert!(declared.contains(&format!(" {name} = ")), "{name} is not declared");
            assert!(!hint.is_empty());
        }
    }
}
