//! Errors of the crate. The epoch itself is total (it mirrors the chain, which never fails an
//! epoch on odd state); these report inconsistent inputs to callers that ask
//! ([`crate::EpochInput::validate`]).

/// An [`crate::EpochInput`] that does not describe a consistent subnet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A per-uid vector or matrix has more entries than the subnet has uids.
    #[error("`{field}` has {len} entries but the subnet has n = {n} uids; trim it to n")]
    TooLong {
        /// Field name in `EpochInput`.
        field: &'static str,
        /// Its length.
        len: usize,
        /// Subnet size.
        n: usize,
    },
    /// A weight row refers to a uid that does not exist.
    #[error("`{matrix}` row {row} refers to uid {column}, but uids are 0..{n}; drop that entry")]
    ColumnOutOfRange {
        /// Matrix name.
        matrix: &'static str,
        /// Row (uid) holding the entry.
        row: usize,
        /// Offending column.
        column: u16,
        /// Subnet size.
        n: usize,
    },
    /// The owner uid is not a uid of the subnet.
    #[error("owner_uid {owner} is not below n = {n}; pass None when the owner is not registered")]
    OwnerOutOfRange {
        /// The owner uid given.
        owner: u16,
        /// Subnet size.
        n: usize,
    },
}
