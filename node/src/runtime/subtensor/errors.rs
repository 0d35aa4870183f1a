//! SubtensorModule's errors, in subtensor's order (`pallets/subtensor/src/macros/errors.rs`).
//!
//! A failed call is reported as `DispatchError::Module { index: 7, error: [i, 0, 0, 0] }` and
//! clients decode `i` by position in this enum's metadata, so every variant subtensor declares
//! is kept, including those this chain never returns, and the explicit discriminants must
//! match subtensor's positions.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::runtime::index;

/// SubtensorModule errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// The root network does not exist.
    RootNetworkDoesNotExist = 0,
    /// The IP type is neither 4 (IPv4) nor 6 (IPv6).
    InvalidIpType = 1,
    /// The IP address is not valid for its type (e.g. localhost, or too large for IPv4).
    InvalidIpAddress = 2,
    /// The port is 0.
    InvalidPort = 3,
    /// The hotkey is not registered on this subnet: register it with `burned_register` first.
    HotKeyNotRegisteredInSubNet = 4,
    /// No coldkey owns this hotkey yet: register it on a subnet first.
    HotKeyAccountNotExists = 5,
    /// The hotkey is not registered on this subnet.
    HotKeyNotRegisteredInNetwork = 6,
    /// The hotkey belongs to another coldkey.
    NonAssociatedColdKey = 7,
    /// Not enough stake for this operation.
    NotEnoughStake = 8,
    /// The coldkey has less stake on this hotkey and subnet than asked to remove.
    NotEnoughStakeToWithdraw = 9,
    /// The hotkey's stake is below `StakeThreshold`: stake more before setting weights.
    NotEnoughStakeToSetWeights = 10,
    /// Not enough stake to set child keys.
    NotEnoughStakeToSetChildkeys = 11,
    /// The coldkey's free balance cannot pay this amount.
    NotEnoughBalanceToStake = 12,
    /// The balance could not be withdrawn.
    BalanceWithdrawalError = 13,
    /// Withdrawing would leave a zero balance.
    ZeroBalanceAfterWithdrawn = 14,
    /// Only neurons with a validator permit may set weights on other neurons.
    NeuronNoValidatorPermit = 15,
    /// `dests` and `weights` differ in length.
    WeightVecNotEqualSize = 16,
    /// A uid appears twice in `dests`.
    DuplicateUids = 17,
    /// `dests` names a uid that does not exist on the subnet.
    UidVecContainInvalidOne = 18,
    /// Fewer weights than `MinAllowedWeights` (or the subnet size).
    WeightVecLengthIsLow = 19,
    /// Too many registrations on this subnet in this block.
    TooManyRegistrationsThisBlock = 20,
    /// The hotkey is already registered on this subnet.
    HotKeyAlreadyRegisteredInSubNet = 21,
    /// The new hotkey equals the old one.
    NewHotKeyIsSameWithOld = 22,
    /// The new hotkey is already registered on root.
    NewHotKeyNotCleanForRootSwap = 23,
    /// The proof-of-work block is invalid.
    InvalidWorkBlock = 24,
    /// The proof of work does not meet the difficulty.
    InvalidDifficulty = 25,
    /// The proof-of-work seal is invalid.
    InvalidSeal = 26,
    /// A weight exceeds `MaxWeightsLimit`.
    MaxWeightExceeded = 27,
    /// The hotkey is already a delegate.
    HotKeyAlreadyDelegate = 28,
    /// Weights were set less than `WeightsSetRateLimit` blocks ago: wait and retry.
    SettingWeightsTooFast = 29,
    /// `version_key` is below the subnet's `WeightsVersionKey`: upgrade the validator.
    IncorrectWeightVersionKey = 30,
    /// The axon was served less than `ServingRateLimit` blocks ago: wait and retry.
    ServingRateLimitExceeded = 31,
    /// More weights than neurons on the subnet.
    UidsLengthExceedUidsInSubNet = 32,
    /// A subnet was registered less than `NetworkRateLimit` blocks ago: wait and retry.
    NetworkTxRateLimitExceeded = 33,
    /// Delegate transaction rate limit exceeded.
    DelegateTxRateLimitExceeded = 34,
    /// Hotkey transaction rate limit exceeded.
    HotKeySetTxRateLimitExceeded = 35,
    /// Staking rate limit exceeded.
    StakingRateLimitExceeded = 36,
    /// Registration is disabled on this subnet.
    SubNetRegistrationDisabled = 37,
    /// Too many registrations in this interval.
    TooManyRegistrationsThisInterval = 38,
    /// The signer must be the hotkey.
    TransactorAccountShouldBeHotKey = 39,
    /// The faucet is disabled.
    FaucetDisabled = 40,
    /// Only the subnet owner may do this.
    NotSubnetOwner = 41,
    /// Neurons cannot register on the root network.
    RegistrationNotPermittedOnRootSubnet = 42,
    /// Stake too low to register on root.
    StakeTooLowForRoot = 43,
    /// Every subnet is still immune from pruning.
    AllNetworksInImmunity = 44,
    /// Not enough balance to pay for the hotkey swap.
    NotEnoughBalanceToPaySwapHotKey = 45,
    /// This works on the root network only.
    NotRootSubnet = 46,
    /// Weights cannot be set on the root network.
    CanNotSetRootNetworkWeights = 47,
    /// The subnet is full and every neuron is protected from pruning.
    NoNeuronIdAvailable = 48,
    /// Delegate take too low.
    DelegateTakeTooLow = 49,
    /// Delegate take too high.
    DelegateTakeTooHigh = 50,
    /// No weights commit found.
    NoWeightsCommitFound = 51,
    /// The revealed weights do not match the commit.
    InvalidRevealCommitHashNotMatch = 52,
    /// Commit-reveal is enabled: commit instead of setting weights.
    CommitRevealEnabled = 53,
    /// Commit-reveal is disabled on this chain.
    CommitRevealDisabled = 54,
    /// Liquid alpha is off: enable it before setting alpha values.
    LiquidAlphaDisabled = 55,
    /// `alpha_high` is below 1638 (≈ 0.025).
    AlphaHighTooLow = 56,
    /// `alpha_low` is below 1638 or above `alpha_high`.
    AlphaLowOutOfRange = 57,
    /// The coldkey is already associated.
    ColdKeyAlreadyAssociated = 58,
    /// Not enough balance to pay for the coldkey swap.
    NotEnoughBalanceToPaySwapColdKey = 59,
    /// Invalid child key.
    InvalidChild = 60,
    /// Duplicate child key.
    DuplicateChild = 61,
    /// Child proportions overflow.
    ProportionOverflow = 62,
    /// Too many child keys.
    TooManyChildren = 63,
    /// Rate limit exceeded for this operation: wait and retry.
    TxRateLimitExceeded = 64,
    /// No coldkey swap was announced.
    ColdkeySwapAnnouncementNotFound = 65,
    /// The coldkey swap is too early.
    ColdkeySwapTooEarly = 66,
    /// The coldkey swap was re-announced too early.
    ColdkeySwapReannouncedTooEarly = 67,
    /// The new coldkey does not match the announced hash.
    AnnouncedColdkeyHashDoesNotMatch = 68,
    /// The coldkey swap is already disputed.
    ColdkeySwapAlreadyDisputed = 69,
    /// The new coldkey is a hotkey.
    NewColdKeyIsHotkey = 70,
    /// Invalid child-key take.
    InvalidChildkeyTake = 71,
    /// Child-key take rate limit exceeded.
    TxChildkeyTakeRateLimitExceeded = 72,
    /// An identity field is too long.
    InvalidIdentity = 73,
    /// The subnet mechanism does not exist.
    MechanismDoesNotExist = 74,
    /// The stake is locked.
    StakeUnavailable = 75,
    /// The subnet does not exist.
    SubnetNotExists = 76,
    /// Too many unrevealed weight commits.
    TooManyUnrevealedCommits = 77,
    /// The weight commit has expired.
    ExpiredWeightCommit = 78,
    /// The reveal is too early.
    RevealTooEarly = 79,
    /// Input vectors differ in length.
    InputLengthsUnequal = 80,
    /// Weights were committed too recently.
    CommittingWeightsTooFast = 81,
    /// The amount is below the minimum stake (0.002 TAO), or zero.
    AmountTooLow = 82,
    /// Not enough liquidity in the subnet pool.
    InsufficientLiquidity = 83,
    /// Slippage too high.
    SlippageTooHigh = 84,
    /// Stake transfers are disabled on this subnet.
    TransferDisallowed = 85,
    /// The activity cutoff is below `MinActivityCutoff`.
    ActivityCutoffTooLow = 86,
    /// This call is disabled on this chain.
    CallDisabled = 87,
    /// Emission has already started on this subnet.
    FirstEmissionBlockNumberAlreadySet = 88,
    /// Wait more blocks before starting the subnet.
    NeedWaitingMoreBlocksToStarCall = 89,
    /// Not enough alpha outstanding to recycle.
    NotEnoughAlphaOutToRecycle = 90,
    /// Alpha cannot be burned or recycled on root.
    CannotBurnOrRecycleOnRootSubnet = 91,
    /// The public key could not be recovered from the signature.
    UnableToRecoverPublicKey = 92,
    /// The recovered public key is invalid.
    InvalidRecoveredPublicKey = 93,
    /// Staking is not enabled on this subnet.
    SubtokenDisabled = 94,
    /// The hotkey was swapped on this subnet too recently.
    HotKeySwapOnSubnetIntervalNotPassed = 95,
    /// Origin and destination subnets are the same.
    SameNetuid = 96,
    /// The balance is too low.
    InsufficientBalance = 97,
    /// Invalid lease beneficiary.
    InvalidLeaseBeneficiary = 98,
    /// A lease cannot end in the past.
    LeaseCannotEndInThePast = 99,
    /// No lease for this subnet.
    LeaseNetuidNotFound = 100,
    /// The lease does not exist.
    LeaseDoesNotExist = 101,
    /// The lease has no end block.
    LeaseHasNoEndBlock = 102,
    /// The lease has not ended.
    LeaseHasNotEnded = 103,
    /// An arithmetic overflow.
    Overflow = 104,
    /// The beneficiary does not own the hotkey.
    BeneficiaryDoesNotOwnHotkey = 105,
    /// Expected the beneficiary as signer.
    ExpectedBeneficiaryOrigin = 106,
    /// Owners may not change hyperparameters in the blocks just before an epoch (`AdminFreezeWindow`): retry after it.
    AdminActionProhibitedDuringWeightsWindow = 107,
    /// The symbol does not exist.
    SymbolDoesNotExist = 108,
    /// The symbol is already in use.
    SymbolAlreadyInUse = 109,
    /// Wrong commit-reveal version.
    IncorrectCommitRevealVersion = 110,
    /// Invalid reveal round.
    InvalidRevealRound = 111,
    /// The reveal period is too large.
    RevealPeriodTooLarge = 112,
    /// The reveal period is too small.
    RevealPeriodTooSmall = 113,
    /// The value is out of range.
    InvalidValue = 114,
    /// The subnet limit is reached.
    SubnetLimitReached = 115,
    /// The coldkey's free balance is below the subnet lock cost.
    CannotAffordLockCost = 116,
    /// EVM key association rate limit exceeded.
    EvmKeyAssociateRateLimitExceeded = 117,
    /// This auto-stake hotkey is already set.
    SameAutoStakeHotkeyAlreadySet = 118,
    /// The uid map could not be cleared.
    UidMapCouldNotBeCleared = 119,
    /// Trimming would leave too many immune uids.
    TrimmingWouldExceedMaxImmunePercentage = 120,
    /// Child and parent keys are inconsistent.
    ChildParentInconsistency = 121,
    /// Invalid number of root claims.
    InvalidNumRootClaim = 122,
    /// Invalid root claim threshold.
    InvalidRootClaimThreshold = 123,
    /// Invalid subnet number.
    InvalidSubnetNumber = 124,
    /// Too many uids per mechanism.
    TooManyUIDsPerMechanism = 125,
    /// Voting power tracking is not enabled.
    VotingPowerTrackingNotEnabled = 126,
    /// Invalid voting power EMA alpha.
    InvalidVotingPowerEmaAlpha = 127,
    /// This call is deprecated.
    Deprecated = 128,
    /// `add_stake_burn` rate limit exceeded.
    AddStakeBurnRateLimitExceeded = 129,
    /// A coldkey swap is announced for this coldkey.
    ColdkeySwapAnnounced = 130,
    /// The coldkey swap is disputed.
    ColdkeySwapDisputed = 131,
    /// Too early to clear the coldkey swap announcement.
    ColdkeySwapClearTooEarly = 132,
    /// Temporarily disabled.
    DisabledTemporarily = 133,
    /// The registration price is above the given limit.
    RegistrationPriceLimitExceeded = 134,
    /// The lock belongs to another hotkey.
    LockHotkeyMismatch = 135,
    /// Not enough stake to lock.
    InsufficientStakeForLock = 136,
    /// No lock exists.
    NoExistingLock = 137,
    /// A lock is active.
    ActiveLockExists = 138,
    /// A system account cannot be used as a hotkey.
    CannotUseSystemAccount = 139,
    /// The unlock amount is too high.
    UnlockAmountTooHigh = 140,
    /// The tempo is outside 360..=50400.
    TempoOutOfBounds = 141,
    /// The activity cutoff factor is outside 1000..=50000 (per mille of tempo).
    ActivityCutoffFactorMilliOutOfBounds = 142,
    /// An epoch trigger is already pending on this subnet.
    EpochTriggerAlreadyPending = 143,
    /// The next epoch is due within `AdminFreezeWindow` blocks anyway.
    AutoEpochAlreadyImminent = 144,
    /// Epochs cannot be triggered while commit-reveal is on.
    DynamicTempoBlockedByCommitReveal = 145,
    /// The account rejects locked alpha.
    AccountRejectsLockedAlpha = 146,
}
crate::runtime::module_error!(Error, index::SUBTENSOR);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_clients_decode() {
        // Spot checks against subtensor's declaration order.
        assert_eq!(Error::HotKeyNotRegisteredInSubNet as u8, 4);
        assert_eq!(Error::SettingWeightsTooFast as u8, 29);
        assert_eq!(Error::UidsLengthExceedUidsInSubNet as u8, 32);
        assert_eq!(Error::SubnetNotExists as u8, 76);
        assert_eq!(Error::AccountRejectsLockedAlpha as u8, 146);
    }
}
