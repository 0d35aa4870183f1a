//! What a miner puts on chain: `(epoch, merkle_root, tile_count)`, in a fixed byte encoding for
//! the Commitments pallet's raw data field.

use serde::{Deserialize, Serialize};

use crate::{error::CommitmentError, merkle::Hash32};

/// A miner's claim for one epoch: it computed tiles `0..tile_count` and their digests are the
/// leaves of the tree with root `merkle_root`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Commitment {
    /// The epoch the work is for: the number of the block whose hash seeded the challenge.
    /// Validators score only commitments naming the epoch they are scoring, so work committed
    /// for another epoch (copied forward, or late) earns nothing.
    pub epoch: u64,
    /// Root of [`crate::MerkleTree`] over the tile digests.
    #[serde(with = "crate::hex32")]
    pub merkle_root: Hash32,
    /// Tiles claimed (the tree's leaf count).
    pub tile_count: u64,
}

impl Commitment {
    /// Version byte of the encoding.
    pub const VERSION: u8 = 1;
    /// Length of [`Self::to_bytes`].
    pub const ENCODED_LEN: usize = 49;

    /// `VERSION ‖ epoch (u64 LE) ‖ merkle_root ‖ tile_count (u64 LE)`.
    pub fn to_bytes(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        let bytes = [Self::VERSION]
            .into_iter()
            .chain(self.epoch.to_le_bytes())
            .chain(self.merkle_root)
            .chain(self.tile_count.to_le_bytes());
        for (slot, byte) in out.iter_mut().zip(bytes) {
            *slot = byte;
        }
        out
    }

    /// Reads [`Self::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CommitmentError> {
        let (&version, rest) = bytes
            .split_first()
            .ok_or(CommitmentError::WrongLength { len: 0, expected: Self::ENCODED_LEN })?;
        if version != Self::VERSION {
            return Err(CommitmentError::UnknownVersion(version));
        }
        let wrong =
            || CommitmentError::WrongLength { len: bytes.len(), expected: Self::ENCODED_LEN };
        let (epoch, rest) = rest.split_first_chunk::<8>().ok_or_else(wrong)?;
        let (merkle_root, rest) = rest.split_first_chunk::<32>().ok_or_else(wrong)?;
        let (tile_count, rest) = rest.split_first_chunk::<8>().ok_or_else(wrong)?;
        if !rest.is_empty() {
            return Err(wrong());
        }
        Ok(Self {
            epoch: u64::from_le_bytes(*epoch),
            merkle_root: *merkle_root,
            tile_count: u64::from_le_bytes(*tile_count),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_bad_bytes_are_refused() {
        let c = Commitment { epoch: 360, merkle_root: [0xab; 32], tile_count: 12_345 };
        let bytes = c.to_bytes();
        assert_eq!(bytes[0], Commitment::VERSION);
        assert_eq!(Commitment::from_bytes(&bytes), Ok(c));
        assert_eq!(
            Commitment::from_bytes(&bytes[..48]),
            Err(CommitmentError::WrongLength { len: 48, expected: 49 })
        );
        let mut long = bytes.to_vec();
        long.push(0);
        assert!(matches!(Commitment::from_bytes(&long), Err(CommitmentError::WrongLength { .. })));
        let mut v2 = bytes;
        v2[0] = 2;
        assert_eq!(Commitment::from_bytes(&v2), Err(CommitmentError::UnknownVersion(2)));
        assert!(Commitment::from_bytes(&[]).is_err());
    }

    #[test]
    fn json_shows_the_root_as_hex() {
        let c = Commitment { epoch: 1, merkle_root: [1; 32], tile_count: 2 };
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("0x0101"), "{json}");
        assert_eq!(serde_json::from_str::<Commitment>(&json).unwrap(), c);
    }
}
