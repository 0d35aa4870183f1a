//! Timestamp (index 2): `Timestamp.Now` is set by the block producer at block start, and
//! `MinimumPeriod` (half the block time) is declared because polkadot.js derives the default
//! mortality length from it.

use crate::storage::StorageValue;

/// `Timestamp.Now` (ms since the Unix epoch).
pub const NOW: StorageValue<u64> = StorageValue::new("Timestamp", "Now");
