//! Value and key types of SubtensorModule, encoded exactly as subtensor encodes them.
//!
//! `NetUid` is a `u16` on the wire and in the metadata (subtensor's `NetUid` implements
//! `TypeInfo` as the bare `u16`), so a client that passes a plain integer finds the same key.
//! Balances are `u64` rao (subtensor's `TaoBalance` / `AlphaBalance` are `u64` newtypes with the
//! same transparent `TypeInfo`); alpha is reported at a fixed price of one TAO (see the module
//! docs), so one type serves both.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

/// A subnet id (`subtensor_runtime_common::NetUid`): `u16` on the wire and in the metadata.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Encode, Decode)]
pub struct NetUid(pub u16);

impl NetUid {
    /// The root network.
    pub const ROOT: Self = Self(0);

    /// Whether this is the root network.
    pub fn is_root(self) -> bool {
        self == Self::ROOT
    }
}

impl TypeInfo for NetUid {
    type Identity = u16;
    fn type_info() -> scale_info::Type {
        u16::type_info()
    }
}

impl From<u16> for NetUid {
    fn from(v: u16) -> Self {
        Self(v)
    }
}

impl std::fmt::Display for NetUid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// `pallet_subtensor::AxonInfo`: where a neuron serves (field order is the encoding).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct AxonInfo {
    /// Block of the last `serve_axon`.
    pub block: u64,
    /// Axon version.
    pub version: u32,
    /// IPv4 or IPv6 address as an integer.
    pub ip: u128,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Protocol (0 = TCP, 1 = UDP, 4 = ...; opaque to the chain).
    pub protocol: u8,
    /// Reserved.
    pub placeholder1: u8,
    /// Reserved.
    pub placeholder2: u8,
}

/// `pallet_subtensor::PrometheusInfo`: where a neuron exports metrics.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct PrometheusInfo {
    /// Block of the last `serve_prometheus`.
    pub block: u64,
    /// Version.
    pub version: u32,
    /// IPv4 or IPv6 address as an integer.
    pub ip: u128,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
}

/// `pallet_subtensor::SubnetIdentityV3`: what a subnet owner publishes about the subnet.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct SubnetIdentityV3 {
    /// Display name.
    pub subnet_name: Vec<u8>,
    /// Source repository.
    pub github_repo: Vec<u8>,
    /// Contact.
    pub subnet_contact: Vec<u8>,
    /// Web site.
    pub subnet_url: Vec<u8>,
    /// Discord.
    pub discord: Vec<u8>,
    /// Description.
    pub description: Vec<u8>,
    /// Logo.
    pub logo_url: Vec<u8>,
    /// Anything else.
    pub additional: Vec<u8>,
}

impl SubnetIdentityV3 {
    /// subtensor's limits (`is_valid_subnet_identity`): name and Discord at most 256 bytes,
    /// every other field at most 1 024.
    pub fn is_valid(&self) -> bool {
        self.subnet_name.len() <= 256
            && self.github_repo.len() <= 1024
            && self.subnet_contact.len() <= 1024
            && self.subnet_url.len() <= 1024
            && self.discord.len() <= 256
            && self.description.len() <= 1024
            && self.logo_url.len() <= 1024
            && self.additional.len() <= 1024
    }
}

/// `pallet_subtensor::utils::rate_limiting::Hyperparameter`: which owner setter a rate-limit
/// record belongs to (its index is part of the storage key, so the order is subtensor's).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[allow(missing_docs)]
pub enum Hyperparameter {
    Unknown = 0,
    ServingRateLimit = 1,
    MaxDifficulty = 2,
    AdjustmentAlpha = 3,
    MaxWeightLimit = 4,
    ImmunityPeriod = 5,
    MinAllowedWeights = 6,
    Kappa = 7,
    Rho = 8,
    ActivityCutoff = 9,
    PowRegistrationAllowed = 10,
    MinBurn = 11,
    MaxBurn = 12,
    BondsMovingAverage = 13,
    BondsPenalty = 14,
    CommitRevealEnabled = 15,
    LiquidAlphaEnabled = 16,
    AlphaValues = 17,
    WeightCommitInterval = 18,
    TransferEnabled = 19,
    AlphaSigmoidSteepness = 20,
    Yuma3Enabled = 21,
    BondsResetEnabled = 22,
    ImmuneNeuronLimit = 23,
    RecycleOrBurn = 24,
    MaxAllowedUids = 25,
    BurnHalfLife = 26,
    BurnIncreaseMult = 27,
    SubnetEmissionEnabled = 28,
    MinChildkeyTake = 29,
    ActivityCutoffFactorMilli = 30,
    TriggerEpoch = 31,
}

/// `pallet_subtensor::RateLimitKey<AccountId>`: the key of `LastRateLimitedBlock`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum RateLimitKey {
    /// Changing the subnet owner hotkey, per subnet.
    #[codec(index = 0)]
    SetSNOwnerHotkey(NetUid),
    /// An owner hyperparameter update, per subnet and hyperparameter.
    #[codec(index = 1)]
    OwnerHyperparamUpdate(NetUid, Hyperparameter),
    /// The last network registration (also the lock-cost anchor).
    #[codec(index = 2)]
    NetworkLastRegistered,
    /// Last transaction of an account (unused here; kept for the key layout).
    #[codec(index = 3)]
    LastTxBlock(crate::primitives::AccountId32),
    /// Last child-key take change (unused here).
    #[codec(index = 4)]
    LastTxBlockChildKeyTake(crate::primitives::AccountId32),
    /// Last delegate take change (unused here).
    #[codec(index = 5)]
    LastTxBlockDelegateTake(crate::primitives::AccountId32),
    /// `add_stake_burn` rate limit (unused here).
    #[codec(index = 6)]
    AddStakeBurn(NetUid),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netuid_is_a_bare_u16() {
        assert_eq!(NetUid(7).encode(), 7u16.encode());
        assert_eq!(
            std::any::TypeId::of::<<NetUid as TypeInfo>::Identity>(),
            std::any::TypeId::of::<u16>()
        );
    }

    #[test]
    fn rate_limit_key_layout() {
        assert_eq!(RateLimitKey::NetworkLastRegistered.encode(), vec![2]);
        assert_eq!(
            RateLimitKey::OwnerHyperparamUpdate(NetUid(3), Hyperparameter::Kappa).encode(),
            vec![1, 3, 0, 7]
        );
    }
}
