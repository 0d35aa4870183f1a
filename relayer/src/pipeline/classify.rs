//! What a refusal means for an item: done already, never possible, or worth another attempt.
//! Both chains' errors arrive typed — tao-node's as [`BridgeError`] decoded from the metadata by
//! tao-client, TaoBridge's as the decoded custom error ([`BridgeRevert`]) — so nothing here
//! matches on message text.

use tao_client::{BridgeError, TaoClientError};

use crate::eth::BridgeRevert;

/// What a failed tao-node call means for the item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaoRefusal {
    /// Our attestation or approval is already there (a replay after a crash), or the burn was
    /// released already: the item is done.
    AlreadyDone {
        /// The burn was released (by an approval, ours or not).
        released: bool,
    },
    /// Approvals of this burn disagree: governance must resolve the nonce.
    Conflict,
    /// Never possible for this relayer as things stand: finish the item with this reason.
    Permanent(String),
    /// Worth another attempt later (network, rate limit, custody, anything unknown).
    Transient,
}

/// Classify a failed `attest` or `approve_release`.
pub fn tao(e: &TaoClientError) -> TaoRefusal {
    let Some(error) = e.bridge_error() else { return TaoRefusal::Transient };
    match error {
        BridgeError::AlreadyAttested | BridgeError::AlreadyApproved => {
            TaoRefusal::AlreadyDone { released: false }
        }
        BridgeError::AlreadyReleased => TaoRefusal::AlreadyDone { released: true },
        BridgeError::ReleaseInConflict => TaoRefusal::Conflict,
        BridgeError::NotRelayer => TaoRefusal::Permanent(
            "Bridge.NotRelayer: this relayer's TAO account is not in tao-node's relayer set (any more)"
                .into(),
        ),
        BridgeError::UnknownSigner => TaoRefusal::Permanent(
            "Bridge.UnknownSigner: this relayer's Ethereum key is not in tao-node's relayer set (any more)"
                .into(),
        ),
        BridgeError::BadSignature | BridgeError::NoLocksInBlock | BridgeError::ZeroAmount => {
            TaoRefusal::Permanent(e.to_string())
        }
        _ => TaoRefusal::Transient,
    }
}

/// What a mint's simulated revert means for the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MintRefusal {
    /// A nonce of the batch is used: minted already (by anyone), or a conflict — the caller
    /// reads the chain to tell which.
    NonceUsed,
    /// Held by the contract (paused, rate limit): retry later.
    Held(String),
    /// The signatures do not satisfy TaoBridge's current relayer set (it changed since they
    /// were collected): re-read the set, retry later with the signatures that count now.
    Signers(String),
    /// The batch as signed can never be minted.
    Permanent(String),
}

/// Classify a mint's revert.
pub fn mint(revert: &BridgeRevert) -> MintRefusal {
    use BridgeRevert as R;
    match revert {
        R::TaoBridgeNonceUsed(_) => MintRefusal::NonceUsed,
        R::TaoBridgePaused(_) => MintRefusal::Held("TaoBridge is paused".into()),
        R::TaoBridgeRateLimited(r) => MintRefusal::Held(format!(
            "TaoBridge's mint rate limit: {} rao requested, {} rao available",
            r.requested, r.available
        )),
        R::TaoBridgeNoncesNotSorted(_)
        | R::TaoBridgeEmptyBatch(_)
        | R::TaoBridgeZeroAmount(_)
        | R::TaoBridgeZeroRecipient(_)
        | R::TaoBridgeRecipientIsBridge(_) => {
            MintRefusal::Permanent(format!("TaoBridge refuses the batch itself: {revert:?}"))
        }
        R::TaoBridgeThresholdNotMet(_)
        | R::TaoBridgeInvalidSignature(_)
        | R::TaoBridgeInvalidSigner(_)
        | R::TaoBridgeSignersNotSorted(_) => MintRefusal::Signers(format!(
            "the mint would revert with {revert:?}: TaoBridge's relayer set changed since signing?"
        )),
        other => MintRefusal::Held(format!("the mint would revert with {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eth::ITaoBridge;

    fn bridge(error: BridgeError) -> TaoClientError {
        TaoClientError::Bridge { call: "Bridge.approve_release", name: format!("{error:?}"), error }
    }

    #[test]
    fn tao_refusals_by_decoded_error() {
        assert_eq!(
            tao(&bridge(BridgeError::AlreadyApproved)),
            TaoRefusal::AlreadyDone { released: false }
        );
        assert_eq!(
            tao(&bridge(BridgeError::AlreadyReleased)),
            TaoRefusal::AlreadyDone { released: true }
        );
        assert_eq!(tao(&bridge(BridgeError::ReleaseInConflict)), TaoRefusal::Conflict);
        assert!(
            matches!(tao(&bridge(BridgeError::NotRelayer)), TaoRefusal::Permanent(r) if r.contains("NotRelayer"))
        );
        assert!(matches!(tao(&bridge(BridgeError::UnknownSigner)), TaoRefusal::Permanent(_)));
        assert_eq!(tao(&bridge(BridgeError::RateLimited)), TaoRefusal::Transient);
        assert_eq!(tao(&bridge(BridgeError::InsufficientCustody)), TaoRefusal::Transient);
        // Another pallet's error with the same name is not the Bridge's.
        let other = TaoClientError::Dispatch {
            call: "Bridge.attest",
            pallet: "Other".into(),
            error: "NotRelayer".into(),
        };
        assert_eq!(tao(&other), TaoRefusal::Transient);
        let gone = TaoClientError::MissingEvent { call: "x", event: "y" };
        assert_eq!(tao(&gone), TaoRefusal::Transient);
    }

    #[test]
    fn mint_refusals_by_decoded_revert() {
        use alloy::primitives::{Address, U256};
        let used = BridgeRevert::TaoBridgeNonceUsed(ITaoBridge::TaoBridgeNonceUsed { nonce: 3 });
        assert_eq!(mint(&used), MintRefusal::NonceUsed);
        let paused = BridgeRevert::TaoBridgePaused(ITaoBridge::TaoBridgePaused {});
        assert!(matches!(mint(&paused), MintRefusal::Held(_)));
        let signer = BridgeRevert::TaoBridgeInvalidSigner(ITaoBridge::TaoBridgeInvalidSigner {
            signer: Address::repeat_byte(1),
        });
        assert!(matches!(mint(&signer), MintRefusal::Signers(_)));
        let limit = BridgeRevert::TaoBridgeRateLimited(ITaoBridge::TaoBridgeRateLimited {
            requested: U256::from(5),
            available: U256::from(2),
        });
        assert!(matches!(mint(&limit), MintRefusal::Held(r) if r.contains("5 rao requested")));
        let empty = BridgeRevert::TaoBridgeEmptyBatch(ITaoBridge::TaoBridgeEmptyBatch {});
        assert!(matches!(mint(&empty), MintRefusal::Permanent(_)));
    }
}
