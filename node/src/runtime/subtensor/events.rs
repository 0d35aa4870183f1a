//! SubtensorModule's events, in subtensor's order (`pallets/subtensor/src/macros/events.rs`).
//!
//! Clients decode an event by its position, so every variant subtensor declares is kept with
//! subtensor's field types (`TaoBalance`/`AlphaBalance` are `u64` rao, `NetUidStorageIndex` is
//! the netuid here), including the many this chain never emits. Events this chain emits:
//! `NetworkAdded`, `StakeAdded`, `StakeRemoved`, `WeightsSet`, `NeuronRegistered`,
//! `AxonServed`, `PrometheusServed`, the `*Set` events of the hyperparameter setters,
//! `SubnetOwnerHotkeySet`, `FirstEmissionBlockNumberSet`, `SubnetIdentitySet`,
//! `IncentiveAlphaEmittedToMiners`, `ActivityCutoffFactorMilliSet`, `EpochTriggered`,
//! `EpochDeferred`.

use std::collections::BTreeSet;

use parity_scale_codec::{Compact, Decode, Encode};
use scale_info::TypeInfo;
use substrate_fixed::types::U64F64;

use crate::DispatchError;
use crate::primitives::{AccountId32, Balance, BlockNumber, H160, H256};

use super::types::NetUid;

/// `pallet_subtensor::RootClaimTypeEnum` (only carried by an event this chain never emits).
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub enum RootClaimTypeEnum {
    /// Swap alpha emission for TAO.
    #[default]
    Swap,
    /// Keep alpha emission.
    Keep,
    /// Keep alpha emission of these subnets.
    KeepSubnets {
        /// Subnets.
        subnets: BTreeSet<NetUid>,
    },
}

/// SubtensorModule events (positional indices as subtensor's).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A subnet was registered: (netuid, mechanism).
    #[codec(index = 0)]
    NetworkAdded(NetUid, u16),
    /// Network removed.
    #[codec(index = 1)]
    NetworkRemoved(NetUid),
    /// Stake was added: (coldkey, hotkey, TAO in rao, alpha in rao, netuid, fee). Alpha equals TAO here.
    #[codec(index = 2)]
    StakeAdded(AccountId32, AccountId32, Balance, Balance, NetUid, u64),
    /// Stake was removed: (coldkey, hotkey, TAO in rao, alpha in rao, netuid, fee). Alpha equals TAO here.
    #[codec(index = 3)]
    StakeRemoved(AccountId32, AccountId32, Balance, Balance, NetUid, u64),
    /// Stake moved.
    #[codec(index = 4)]
    StakeMoved(AccountId32, AccountId32, NetUid, AccountId32, NetUid, Balance),
    /// A neuron set weights: (netuid, uid).
    #[codec(index = 5)]
    WeightsSet(NetUid, u16),
    /// A neuron registered: (netuid, uid, hotkey).
    #[codec(index = 6)]
    NeuronRegistered(NetUid, u16, AccountId32),
    /// Bulk neurons registered.
    #[codec(index = 7)]
    BulkNeuronsRegistered(u16, u16),
    /// Bulk balances set.
    #[codec(index = 8)]
    BulkBalancesSet(u16, u16),
    /// Max allowed uids set.
    #[codec(index = 9)]
    MaxAllowedUidsSet(NetUid, u16),
    /// Max weight limit set.
    #[codec(index = 10)]
    MaxWeightLimitSet(NetUid, u16),
    /// Difficulty set.
    #[codec(index = 11)]
    DifficultySet(NetUid, u64),
    /// Adjustment interval set.
    #[codec(index = 12)]
    AdjustmentIntervalSet(NetUid, u16),
    /// Registration per interval set.
    #[codec(index = 13)]
    RegistrationPerIntervalSet(NetUid, u16),
    /// Max registrations per block set.
    #[codec(index = 14)]
    MaxRegistrationsPerBlockSet(NetUid, u16),
    /// Activity cutoff set.
    #[codec(index = 15)]
    ActivityCutoffSet(NetUid, u16),
    /// Rho set.
    #[codec(index = 16)]
    RhoSet(NetUid, u16),
    /// Alpha sigmoid steepness set.
    #[codec(index = 17)]
    AlphaSigmoidSteepnessSet(NetUid, i16),
    /// Kappa set.
    #[codec(index = 18)]
    KappaSet(NetUid, u16),
    /// Min allowed weight set.
    #[codec(index = 19)]
    MinAllowedWeightSet(NetUid, u16),
    /// Validator prune len set.
    #[codec(index = 20)]
    ValidatorPruneLenSet(NetUid, u64),
    /// Scaling law power set.
    #[codec(index = 21)]
    ScalingLawPowerSet(NetUid, u16),
    /// Weights set rate limit set.
    #[codec(index = 22)]
    WeightsSetRateLimitSet(NetUid, u64),
    /// Immunity period set.
    #[codec(index = 23)]
    ImmunityPeriodSet(NetUid, u16),
    /// Bonds moving average set.
    #[codec(index = 24)]
    BondsMovingAverageSet(NetUid, u64),
    /// Bonds penalty set.
    #[codec(index = 25)]
    BondsPenaltySet(NetUid, u16),
    /// Bonds reset on set.
    #[codec(index = 26)]
    BondsResetOnSet(NetUid, bool),
    /// Max allowed validators set.
    #[codec(index = 27)]
    MaxAllowedValidatorsSet(NetUid, u16),
    /// A neuron served its axon: (netuid, hotkey).
    #[codec(index = 28)]
    AxonServed(NetUid, AccountId32),
    /// A neuron served its Prometheus endpoint: (netuid, hotkey).
    #[codec(index = 29)]
    PrometheusServed(NetUid, AccountId32),
    /// Delegate added.
    #[codec(index = 30)]
    DelegateAdded(AccountId32, AccountId32, u16),
    /// Default take set.
    #[codec(index = 31)]
    DefaultTakeSet(u16),
    /// Weights version key set.
    #[codec(index = 32)]
    WeightsVersionKeySet(NetUid, u64),
    /// Min difficulty set.
    #[codec(index = 33)]
    MinDifficultySet(NetUid, u64),
    /// Max difficulty set.
    #[codec(index = 34)]
    MaxDifficultySet(NetUid, u64),
    /// Serving rate limit set.
    #[codec(index = 35)]
    ServingRateLimitSet(NetUid, u64),
    /// Burn set.
    #[codec(index = 36)]
    BurnSet(NetUid, Balance),
    /// Max burn set.
    #[codec(index = 37)]
    MaxBurnSet(NetUid, Balance),
    /// Min burn set.
    #[codec(index = 38)]
    MinBurnSet(NetUid, Balance),
    /// Max epochs per block set.
    #[codec(index = 39)]
    MaxEpochsPerBlockSet(u8),
    /// Tx rate limit set.
    #[codec(index = 40)]
    TxRateLimitSet(u64),
    /// Tx delegate take rate limit set.
    #[codec(index = 41)]
    TxDelegateTakeRateLimitSet(u64),
    /// Tx child key take rate limit set.
    #[codec(index = 42)]
    TxChildKeyTakeRateLimitSet(u64),
    /// Admin freeze window set.
    #[codec(index = 43)]
    AdminFreezeWindowSet(u16),
    /// Owner hyperparam rate limit set.
    #[codec(index = 44)]
    OwnerHyperparamRateLimitSet(u16),
    /// Min child key take set.
    #[codec(index = 45)]
    MinChildKeyTakeSet(u16),
    /// Min child key take per subnet set.
    #[codec(index = 46)]
    MinChildKeyTakePerSubnetSet(NetUid, u16),
    /// Max child key take set.
    #[codec(index = 47)]
    MaxChildKeyTakeSet(u16),
    /// Child key take set.
    #[codec(index = 48)]
    ChildKeyTakeSet(AccountId32, u16),
    /// Sudid.
    #[codec(index = 49)]
    Sudid(Result<(), DispatchError>),
    /// Registration allowed.
    #[codec(index = 50)]
    RegistrationAllowed(NetUid, bool),
    /// Pow registration allowed.
    #[codec(index = 51)]
    PowRegistrationAllowed(NetUid, bool),
    /// The tempo changed: (netuid, tempo).
    #[codec(index = 52)]
    TempoSet(NetUid, u16),
    /// Rao recycled for registration set.
    #[codec(index = 53)]
    RAORecycledForRegistrationSet(NetUid, Balance),
    /// Stake threshold set.
    #[codec(index = 54)]
    StakeThresholdSet(u64),
    /// Adjustment alpha set.
    #[codec(index = 55)]
    AdjustmentAlphaSet(NetUid, u64),
    /// Faucet.
    #[codec(index = 56)]
    Faucet(AccountId32, u64),
    /// Subnet owner cut set.
    #[codec(index = 57)]
    SubnetOwnerCutSet(u16),
    /// Network rate limit set.
    #[codec(index = 58)]
    NetworkRateLimitSet(u64),
    /// Network immunity period set.
    #[codec(index = 59)]
    NetworkImmunityPeriodSet(u64),
    /// Start call delay set.
    #[codec(index = 60)]
    StartCallDelaySet(u64),
    /// Network min lock cost set.
    #[codec(index = 61)]
    NetworkMinLockCostSet(Balance),
    /// Subnet limit set.
    #[codec(index = 62)]
    SubnetLimitSet(u16),
    /// Network lock cost reduction interval set.
    #[codec(index = 63)]
    NetworkLockCostReductionIntervalSet(u64),
    /// Take decreased.
    #[codec(index = 64)]
    TakeDecreased(AccountId32, AccountId32, u16),
    /// Take increased.
    #[codec(index = 65)]
    TakeIncreased(AccountId32, AccountId32, u16),
    /// Hotkey swapped.
    #[codec(index = 66)]
    HotkeySwapped {
        /// Coldkey.
        coldkey: AccountId32,
        /// Old hotkey.
        old_hotkey: AccountId32,
        /// New hotkey.
        new_hotkey: AccountId32,
    },
    /// Max delegate take set.
    #[codec(index = 67)]
    MaxDelegateTakeSet(u16),
    /// Min delegate take set.
    #[codec(index = 68)]
    MinDelegateTakeSet(u16),
    /// Coldkey swap announced.
    #[codec(index = 69)]
    ColdkeySwapAnnounced {
        /// Who.
        who: AccountId32,
        /// New coldkey hash.
        new_coldkey_hash: H256,
    },
    /// Coldkey swap reset.
    #[codec(index = 70)]
    ColdkeySwapReset {
        /// Who.
        who: AccountId32,
    },
    /// Coldkey swapped.
    #[codec(index = 71)]
    ColdkeySwapped {
        /// Old coldkey.
        old_coldkey: AccountId32,
        /// New coldkey.
        new_coldkey: AccountId32,
    },
    /// Coldkey swap disputed.
    #[codec(index = 72)]
    ColdkeySwapDisputed {
        /// Coldkey.
        coldkey: AccountId32,
    },
    /// All balance unstaked and transferred to new coldkey.
    #[codec(index = 73)]
    AllBalanceUnstakedAndTransferredToNewColdkey {
        /// Current coldkey.
        current_coldkey: AccountId32,
        /// New coldkey.
        new_coldkey: AccountId32,
        /// Total balance.
        total_balance: Balance,
    },
    /// Arbitration period extended.
    #[codec(index = 74)]
    ArbitrationPeriodExtended {
        /// Coldkey.
        coldkey: AccountId32,
    },
    /// Set children scheduled.
    #[codec(index = 75)]
    SetChildrenScheduled(AccountId32, NetUid, u64, Vec<(u64, AccountId32)>),
    /// Set children.
    #[codec(index = 76)]
    SetChildren(AccountId32, NetUid, Vec<(u64, AccountId32)>),
    /// Chain identity set.
    #[codec(index = 77)]
    ChainIdentitySet(AccountId32),
    /// The subnet identity was set.
    #[codec(index = 78)]
    SubnetIdentitySet(NetUid),
    /// Subnet identity removed.
    #[codec(index = 79)]
    SubnetIdentityRemoved(NetUid),
    /// Dissolve network scheduled.
    #[codec(index = 80)]
    DissolveNetworkScheduled {
        /// Account.
        account: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Execution block.
        execution_block: BlockNumber,
    },
    /// Coldkey swap announcement delay set.
    #[codec(index = 81)]
    ColdkeySwapAnnouncementDelaySet(BlockNumber),
    /// Coldkey swap reannouncement delay set.
    #[codec(index = 82)]
    ColdkeySwapReannouncementDelaySet(BlockNumber),
    /// Dissolve network schedule duration set.
    #[codec(index = 83)]
    DissolveNetworkScheduleDurationSet(BlockNumber),
    /// Crv3 weights committed.
    #[codec(index = 84)]
    CRV3WeightsCommitted(AccountId32, NetUid, H256),
    /// Weights committed.
    #[codec(index = 85)]
    WeightsCommitted(AccountId32, NetUid, H256),
    /// Weights revealed.
    #[codec(index = 86)]
    WeightsRevealed(AccountId32, NetUid, H256),
    /// Weights batch revealed.
    #[codec(index = 87)]
    WeightsBatchRevealed(AccountId32, NetUid, Vec<H256>),
    /// Batch weights completed.
    #[codec(index = 88)]
    BatchWeightsCompleted(Vec<Compact<u16>>, AccountId32),
    /// Batch completed with errors.
    #[codec(index = 89)]
    BatchCompletedWithErrors(),
    /// Batch weight item failed.
    #[codec(index = 90)]
    BatchWeightItemFailed(NetUid, DispatchError),
    /// Stake transferred.
    #[codec(index = 91)]
    StakeTransferred(AccountId32, AccountId32, AccountId32, NetUid, NetUid, Balance),
    /// Stake swapped.
    #[codec(index = 92)]
    StakeSwapped(AccountId32, AccountId32, NetUid, NetUid, Balance),
    /// Transfer toggle.
    #[codec(index = 93)]
    TransferToggle(NetUid, bool),
    /// The owner hotkey changed: (netuid, hotkey).
    #[codec(index = 94)]
    SubnetOwnerHotkeySet(NetUid, AccountId32),
    /// Emission starts: (netuid, block).
    #[codec(index = 95)]
    FirstEmissionBlockNumberSet(NetUid, u64),
    /// Alpha recycled.
    #[codec(index = 96)]
    AlphaRecycled(AccountId32, AccountId32, Balance, NetUid),
    /// Alpha burned.
    #[codec(index = 97)]
    AlphaBurned(AccountId32, AccountId32, Balance, NetUid),
    /// Evm key associated.
    #[codec(index = 98)]
    EvmKeyAssociated {
        /// Netuid.
        netuid: NetUid,
        /// Hotkey.
        hotkey: AccountId32,
        /// Evm key.
        evm_key: H160,
        /// Block associated.
        block_associated: u64,
    },
    /// Crv3 weights revealed.
    #[codec(index = 99)]
    CRV3WeightsRevealed(NetUid, AccountId32),
    /// Commit reveal periods set.
    #[codec(index = 100)]
    CommitRevealPeriodsSet(NetUid, u64),
    /// Commit reveal enabled.
    #[codec(index = 101)]
    CommitRevealEnabled(NetUid, bool),
    /// Hotkey swapped on subnet.
    #[codec(index = 102)]
    HotkeySwappedOnSubnet {
        /// Coldkey.
        coldkey: AccountId32,
        /// Old hotkey.
        old_hotkey: AccountId32,
        /// New hotkey.
        new_hotkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
    },
    /// Subnet lease created.
    #[codec(index = 103)]
    SubnetLeaseCreated {
        /// Beneficiary.
        beneficiary: AccountId32,
        /// Lease id.
        lease_id: u32,
        /// Netuid.
        netuid: NetUid,
        /// End block.
        end_block: Option<BlockNumber>,
    },
    /// Subnet lease terminated.
    #[codec(index = 104)]
    SubnetLeaseTerminated {
        /// Beneficiary.
        beneficiary: AccountId32,
        /// Netuid.
        netuid: NetUid,
    },
    /// Symbol updated.
    #[codec(index = 105)]
    SymbolUpdated {
        /// Netuid.
        netuid: NetUid,
        /// Symbol.
        symbol: Vec<u8>,
    },
    /// Commit reveal version set.
    #[codec(index = 106)]
    CommitRevealVersionSet(u16),
    /// Timelocked weights committed.
    #[codec(index = 107)]
    TimelockedWeightsCommitted(AccountId32, NetUid, H256, u64),
    /// Timelocked weights revealed.
    #[codec(index = 108)]
    TimelockedWeightsRevealed(NetUid, AccountId32),
    /// Auto stake added.
    #[codec(index = 109)]
    AutoStakeAdded {
        /// Netuid.
        netuid: NetUid,
        /// Destination.
        destination: AccountId32,
        /// Hotkey.
        hotkey: AccountId32,
        /// Owner.
        owner: AccountId32,
        /// Incentive.
        incentive: Balance,
    },
    /// Miners' incentive paid by an epoch, per uid (rao).
    #[codec(index = 110)]
    IncentiveAlphaEmittedToMiners {
        /// Netuid.
        netuid: NetUid,
        /// Emissions.
        emissions: Vec<Balance>,
    },
    /// Min allowed uids set.
    #[codec(index = 111)]
    MinAllowedUidsSet(NetUid, u16),
    /// Auto stake destination set.
    #[codec(index = 112)]
    AutoStakeDestinationSet {
        /// Coldkey.
        coldkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Hotkey.
        hotkey: AccountId32,
    },
    /// Min non immune uids set.
    #[codec(index = 113)]
    MinNonImmuneUidsSet(NetUid, u16),
    /// Root claimed.
    #[codec(index = 114)]
    RootClaimed {
        /// Coldkey.
        coldkey: AccountId32,
    },
    /// Root claim type set.
    #[codec(index = 115)]
    RootClaimTypeSet {
        /// Coldkey.
        coldkey: AccountId32,
        /// Root claim type.
        root_claim_type: RootClaimTypeEnum,
    },
    /// Voting power tracking enabled.
    #[codec(index = 116)]
    VotingPowerTrackingEnabled {
        /// Netuid.
        netuid: NetUid,
    },
    /// Voting power tracking disable scheduled.
    #[codec(index = 117)]
    VotingPowerTrackingDisableScheduled {
        /// Netuid.
        netuid: NetUid,
        /// Disable at block.
        disable_at_block: u64,
    },
    /// Voting power tracking disabled.
    #[codec(index = 118)]
    VotingPowerTrackingDisabled {
        /// Netuid.
        netuid: NetUid,
    },
    /// Voting power ema alpha set.
    #[codec(index = 119)]
    VotingPowerEmaAlphaSet {
        /// Netuid.
        netuid: NetUid,
        /// Alpha.
        alpha: u64,
    },
    /// Subnet lease dividends distributed.
    #[codec(index = 120)]
    SubnetLeaseDividendsDistributed {
        /// Lease id.
        lease_id: u32,
        /// Contributor.
        contributor: AccountId32,
        /// Alpha.
        alpha: Balance,
    },
    /// Add stake burn.
    #[codec(index = 121)]
    AddStakeBurn {
        /// Netuid.
        netuid: NetUid,
        /// Hotkey.
        hotkey: AccountId32,
        /// Amount.
        amount: Balance,
        /// Alpha.
        alpha: Balance,
    },
    /// Coldkey swap cleared.
    #[codec(index = 122)]
    ColdkeySwapCleared {
        /// Who.
        who: AccountId32,
    },
    /// Transaction fee paid with alpha.
    #[codec(index = 123)]
    TransactionFeePaidWithAlpha {
        /// Who.
        who: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Alpha fee.
        alpha_fee: Balance,
        /// Tao amount.
        tao_amount: Balance,
    },
    /// Burn half life set.
    #[codec(index = 124)]
    BurnHalfLifeSet {
        /// Netuid.
        netuid: NetUid,
        /// Burn half life.
        burn_half_life: u16,
    },
    /// Burn increase mult set.
    #[codec(index = 125)]
    BurnIncreaseMultSet {
        /// Netuid.
        netuid: NetUid,
        /// Burn increase mult.
        burn_increase_mult: U64F64,
    },
    /// Auto parent delegation enabled set.
    #[codec(index = 126)]
    AutoParentDelegationEnabledSet {
        /// Hotkey.
        hotkey: AccountId32,
        /// Enabled.
        enabled: bool,
    },
    /// Stake locked.
    #[codec(index = 127)]
    StakeLocked {
        /// Coldkey.
        coldkey: AccountId32,
        /// Hotkey.
        hotkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Amount.
        amount: Balance,
    },
    /// Stake unlocked.
    #[codec(index = 128)]
    StakeUnlocked {
        /// Coldkey.
        coldkey: AccountId32,
        /// Hotkey.
        hotkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Amount.
        amount: Balance,
    },
    /// Lock moved.
    #[codec(index = 129)]
    LockMoved {
        /// Coldkey.
        coldkey: AccountId32,
        /// Origin hotkey.
        origin_hotkey: AccountId32,
        /// Destination hotkey.
        destination_hotkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
    },
    /// The activity cutoff factor changed.
    #[codec(index = 130)]
    ActivityCutoffFactorMilliSet {
        /// Netuid.
        netuid: NetUid,
        /// Factor milli.
        factor_milli: u32,
    },
    /// The owner triggered an epoch.
    #[codec(index = 131)]
    EpochTriggered {
        /// Netuid.
        netuid: NetUid,
        /// By.
        by: AccountId32,
        /// Fires at.
        fires_at: u64,
    },
    /// A due epoch was deferred by the per-block cap.
    #[codec(index = 132)]
    EpochDeferred {
        /// Netuid.
        netuid: NetUid,
        /// From block.
        from_block: u64,
        /// To block.
        to_block: u64,
    },
    /// A due epoch was skipped (inconsistent neuron state).
    #[codec(index = 133)]
    EpochSkipped {
        /// Netuid.
        netuid: NetUid,
        /// Block.
        block: u64,
    },
    /// Subnet owner changed.
    #[codec(index = 134)]
    SubnetOwnerChanged {
        /// Netuid.
        netuid: NetUid,
        /// Old coldkey.
        old_coldkey: AccountId32,
        /// New coldkey.
        new_coldkey: AccountId32,
    },
    /// Perpetual lock updated.
    #[codec(index = 135)]
    PerpetualLockUpdated {
        /// Coldkey.
        coldkey: AccountId32,
        /// Netuid.
        netuid: NetUid,
        /// Enabled.
        enabled: bool,
    },
    /// Reject locked alpha updated.
    #[codec(index = 136)]
    RejectLockedAlphaUpdated {
        /// Coldkey.
        coldkey: AccountId32,
        /// Enabled.
        enabled: bool,
    },
}

impl From<Event> for crate::runtime::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::SubtensorModule(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_clients_decode() {
        let netuid = NetUid(1);
        assert_eq!(Event::NetworkAdded(netuid, 0).encode()[0], 0);
        assert_eq!(Event::WeightsSet(netuid, 0).encode()[0], 5);
        assert_eq!(Event::NeuronRegistered(netuid, 0, AccountId32::default()).encode()[0], 6);
        assert_eq!(Event::AxonServed(netuid, AccountId32::default()).encode()[0], 28);
        assert_eq!(Event::EpochDeferred { netuid, from_block: 0, to_block: 0 }.encode()[0], 132);
    }
}
