//! Per-subnet parameters the epoch reads (SPEC §2).

/// Hyperparameters of one subnet (mechanism) as the epoch sees them.
///
/// [`Default`] gives subtensor's runtime defaults (`runtime/src/lib.rs`), *not* those that
/// `init_new_network` installs for a new subnet (Yuma3 on, 64 validators): see
/// [`Hyperparameters::new_subnet`].
///
/// A new field must also be classified in the fused fast path's `applies`
/// (`epoch/sparse/fused.rs`), which names every field: the crate does not compile until it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hyperparameters {
    /// `Kappa`: consensus majority as a u16 proportion (32 767 ≈ 0.5).
    pub kappa: u16,
    /// `BondsPenalty` as a u16 proportion: 0 bonds follow raw weights, 65 535 follow clipped
    /// weights.
    pub bonds_penalty: u16,
    /// `BondsMovingAverage`: the EMA keep-fraction times 10^6 (900 000 keeps 90 % per epoch).
    pub bonds_moving_average: u64,
    /// `Yuma3On`: the Yuma3 bond model (§5.2) instead of original Yuma (§5.1).
    pub yuma3: bool,
    /// `LiquidAlphaOn`: per-pair EMA alpha from a sigmoid (Yuma3 only).
    pub liquid_alpha: bool,
    /// `AlphaValues.0`: lower liquid-alpha bound as a u16 proportion.
    pub alpha_low: u16,
    /// `AlphaValues.1`: upper liquid-alpha bound as a u16 proportion.
    pub alpha_high: u16,
    /// `AlphaSigmoidSteepness`.
    pub alpha_sigmoid_steepness: i16,
    /// `MaxAllowedValidators`: how many uids can hold a validator permit.
    pub max_allowed_validators: u16,
    /// Effective activity cutoff in blocks (see [`activity_cutoff`]): a uid whose last weight
    /// update is older than this is inactive.
    pub activity_cutoff: u64,
    /// `Tempo`; only used for the recently-registered bond mask when no epoch has run yet.
    pub tempo: u16,
    /// `StakeThreshold`: minimum total stake (rao) to count at all.
    pub stake_threshold: u64,
    /// uid of the subnet owner's hotkey when it is registered: exempt from the stake threshold,
    /// always permitted, and its self-weight is kept.
    pub owner_uid: Option<u16>,
    /// `TaoWeight` (u64, `u64::MAX` = 1): weight of root (TAO) stake in the total stake.
    pub tao_weight: u64,
}

/// `ActivityCutoffFactorMilli` default (≈ 5 000 blocks at tempo 360).
pub const DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI: u64 = 13_889;

/// Effective activity cutoff: `max(1, factor_milli · tempo / 1000)` (u64 integer division).
#[must_use]
pub fn activity_cutoff(factor_milli: u64, tempo: u16) -> u64 {
    (factor_milli.saturating_mul(u64::from(tempo)) / 1000).max(1)
}

impl Default for Hyperparameters {
    fn default() -> Self {
        Self {
            kappa: 32_767,
            bonds_penalty: 65_535,
            bonds_moving_average: 900_000,
            yuma3: false,
            liquid_alpha: false,
            alpha_low: 45_875,
            alpha_high: 58_982,
            alpha_sigmoid_steepness: 1000,
            max_allowed_validators: 128,
            activity_cutoff: activity_cutoff(DEFAULT_ACTIVITY_CUTOFF_FACTOR_MILLI, 360),
            tempo: 360,
            stake_threshold: 0,
            owner_uid: None,
            tao_weight: 971_718_665_099_567_868,
        }
    }
}

impl Hyperparameters {
    /// What `init_new_network` sets up for a new subnet: runtime defaults with Yuma3 on and 64
    /// validators.
    #[must_use]
    pub fn new_subnet() -> Self {
        Self { yuma3: true, max_allowed_validators: 64, ..Self::default() }
    }
}
