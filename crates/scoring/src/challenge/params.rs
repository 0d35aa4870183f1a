//! Challenge parameters and the named profiles.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::error::ParamsError;

/// Largest inner dimension: |a·b| ≤ 2^14, so an i32 sum of up to 2^16 products cannot overflow
/// (the digest uses C mod 2^32, so even an overflow would give the same bits on every engine,
/// but "the exact product" is the contract).
pub const MAX_K: u32 = 65_536;
/// Largest number of columns of B.
pub const MAX_N: u32 = 65_536;
/// Largest number of rows in one tile. With [`MAX_N`] this keeps `r·N + n` below 2^32, which the
/// digest shifts into the high half of a u64.
pub const MAX_ROWS_PER_TILE: u32 = 4_096;
/// Largest number of sampled tiles per miner.
pub const MAX_SAMPLES: u32 = 1_024;
/// Largest tile count a commitment may be scored for.
pub const MAX_TILES: u64 = 1 << 32;
/// Largest B (k·n elements): engines keep B resident (transposed i16 on the CPU, packed on the GPU).
pub const MAX_B_ELEMENTS: u64 = 1 << 28;

/// The shape of the work: what a tile is, how many are sampled, and the most that count.
///
/// Every field is hashed into every seed ([`crate::Challenge`]), so two parties with different
/// parameters derive unrelated challenges rather than silently disagreeing on a few digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChallengeParams {
    /// Inner dimension K (columns of A, rows of B).
    pub k: u32,
    /// Columns N of B and of each output tile.
    pub n: u32,
    /// Rows R of A per tile: tile t is rows `t·R .. t·R + R` of the miner's A.
    pub rows_per_tile: u32,
    /// Tiles s a validator samples per miner (all of them when the miner has fewer).
    pub samples: u32,
    /// Tiles beyond this count score nothing more.
    pub max_tiles: u64,
}

/// The named parameter sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// K = N = 64, R = 4, s = 4: microseconds per tile on a CPU, for tests and CI.
    Ci,
    /// K = N = 1024, R = 64, s = 16: a CPU-friendly devnet.
    Dev,
    /// K = N = 4096, R = 128, s = 16: 4.29 GOP per tile; B (16 MiB) stays in an H100's L2.
    Gpu,
}

impl Profile {
    /// Every profile, smallest first.
    pub const ALL: [Self; 3] = [Self::Ci, Self::Dev, Self::Gpu];

    /// The profile's name as the CLI spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ci => "ci",
            Self::Dev => "dev",
            Self::Gpu => "gpu",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = ParamsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParamsError::UnknownProfile(s.to_owned()))
    }
}

impl ChallengeParams {
    /// Version byte of [`Self::encode`]; bump it when the encoding or the task changes.
    const ENCODING_VERSION: u8 = 1;
    /// Length of [`Self::encode`].
    pub const ENCODED_LEN: usize = 25;

    /// The parameters of a named profile.
    pub const fn profile(profile: Profile) -> Self {
        match profile {
            Profile::Ci => Self { k: 64, n: 64, rows_per_tile: 4, samples: 4, max_tiles: 4_096 },
            Profile::Dev => {
                Self { k: 1_024, n: 1_024, rows_per_tile: 64, samples: 16, max_tiles: 65_536 }
            }
            Profile::Gpu => {
                Self { k: 4_096, n: 4_096, rows_per_tile: 128, samples: 16, max_tiles: 1 << 20 }
            }
        }
    }

    /// Checks every field against the range the task is defined for.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let Self { k, n, rows_per_tile, samples, max_tiles } = *self;
        let range = |field, value: u64, min, max| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(ParamsError::OutOfRange { field, value, min, max })
            }
        };
        range("k", k.into(), 1, MAX_K.into())?;
        range("n", n.into(), 1, MAX_N.into())?;
        range("rows_per_tile", rows_per_tile.into(), 1, MAX_ROWS_PER_TILE.into())?;
        range("samples", samples.into(), 1, MAX_SAMPLES.into())?;
        range("max_tiles", max_tiles, 1, MAX_TILES)?;
        if u64::from(k).saturating_mul(n.into()) > MAX_B_ELEMENTS {
            return Err(ParamsError::BTooLarge { k, n });
        }
        Ok(())
    }

    /// Multiply-accumulates in one tile: R·K·N.
    pub fn macs_per_tile(&self) -> u64 {
        u64::from(self.rows_per_tile).saturating_mul(self.k.into()).saturating_mul(self.n.into())
    }

    /// Integer operations in one tile, counting a multiply-accumulate as two: 2·R·K·N.
    pub fn ops_per_tile(&self) -> u64 {
        self.macs_per_tile().saturating_mul(2)
    }

    /// The fixed little-endian encoding hashed into every seed: a version byte, then k, n,
    /// rows_per_tile, samples (u32 each) and max_tiles (u64).
    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let Self { k, n, rows_per_tile, samples, max_tiles } = *self;
        let mut out = [0u8; Self::ENCODED_LEN];
        let fields = [Self::ENCODING_VERSION]
            .into_iter()
            .chain(k.to_le_bytes())
            .chain(n.to_le_bytes())
            .chain(rows_per_tile.to_le_bytes())
            .chain(samples.to_le_bytes())
            .chain(max_tiles.to_le_bytes());
        for (slot, byte) in out.iter_mut().zip(fields) {
            *slot = byte;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_valid_and_parse_by_name() {
        for p in Profile::ALL {
            ChallengeParams::profile(p).validate().unwrap();
            assert_eq!(p.name().parse::<Profile>().unwrap(), p);
            assert_eq!(p.to_string().to_uppercase().parse::<Profile>().unwrap(), p);
        }
        assert!(matches!("huge".parse::<Profile>(), Err(ParamsError::UnknownProfile(_))));
    }

    #[test]
    fn gpu_profile_is_4_29_gop_per_tile() {
        assert_eq!(ChallengeParams::profile(Profile::Gpu).ops_per_tile(), 4_294_967_296);
    }

    #[test]
    fn validate_rejects_each_out_of_range_field() {
        let ok = ChallengeParams::profile(Profile::Ci);
        let cases = [
            ("k", ChallengeParams { k: 0, ..ok }),
            ("k", ChallengeParams { k: MAX_K + 1, ..ok }),
            ("n", ChallengeParams { n: 0, ..ok }),
            ("rows_per_tile", ChallengeParams { rows_per_tile: MAX_ROWS_PER_TILE + 1, ..ok }),
            ("samples", ChallengeParams { samples: 0, ..ok }),
            ("max_tiles", ChallengeParams { max_tiles: 0, ..ok }),
        ];
        for (field, p) in cases {
            match p.validate() {
                Err(ParamsError::OutOfRange { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected OutOfRange, got {other:?}"),
            }
        }
        let big = ChallengeParams { k: MAX_K, n: MAX_N, ..ok };
        assert_eq!(big.validate(), Err(ParamsError::BTooLarge { k: MAX_K, n: MAX_N }));
    }

    #[test]
    fn encoding_changes_with_every_field() {
        let p = ChallengeParams::profile(Profile::Dev);
        let variants = [
            ChallengeParams { k: p.k + 1, ..p },
            ChallengeParams { n: p.n + 1, ..p },
            ChallengeParams { rows_per_tile: p.rows_per_tile + 1, ..p },
            ChallengeParams { samples: p.samples + 1, ..p },
            ChallengeParams { max_tiles: p.max_tiles + 1, ..p },
        ];
        for v in variants {
            assert_ne!(v.encode(), p.encode(), "{v:?}");
        }
    }
}
