//! Why a transaction is refused before dispatch: `sp_runtime`'s transaction-validity errors
//! (returned by `TaggedTransactionQueue_validate_transaction` and shown by `author_submit*`), and
//! [`TxError`], which adds "could not decode".

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use super::extrinsic;

/// Why a transaction is invalid (`sp_runtime::transaction_validity::InvalidTransaction`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum InvalidTransaction {
    /// The call is not expected.
    #[error("Transaction call is not expected")]
    Call,
    /// Cannot pay the fee.
    #[error("Inability to pay some fees (e.g. account balance too low)")]
    Payment,
    /// Nonce too high.
    #[error("Transaction will be valid in the future")]
    Future,
    /// Nonce too low.
    #[error("Transaction is outdated")]
    Stale,
    /// Bad signature.
    #[error("Transaction has a bad signature")]
    BadProof,
    /// Unknown birth block.
    #[error("Transaction has an ancient birth block")]
    AncientBirthBlock,
    /// Block is full.
    #[error("Transaction would exhaust the block limits")]
    ExhaustsResources,
    /// Pallet-specific.
    #[error("Custom error: {0}")]
    Custom(u8),
    /// Mandatory dispatch error.
    #[error("A call was labelled as mandatory, but resulted in an Error.")]
    BadMandatory,
    /// Mandatory validation.
    #[error("Transaction dispatch is mandatory; transactions must not be validated.")]
    MandatoryValidation,
    /// Bad signer.
    #[error("Invalid signing address")]
    BadSigner,
}

/// `sp_runtime::transaction_validity::UnknownTransaction`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum UnknownTransaction {
    /// Cannot look up the signer.
    #[error("Could not lookup information required to validate the transaction")]
    CannotLookup,
    /// Unsigned transactions are not accepted.
    #[error("Could not find an unsigned validator for the unsigned transaction")]
    NoUnsignedValidator,
    /// Pallet-specific.
    #[error("Unknown reason: {0}")]
    Custom(u8),
}

/// `sp_runtime::transaction_validity::TransactionValidityError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, thiserror::Error)]
pub enum TransactionValidityError {
    /// Invalid.
    #[error("Invalid Transaction: {0}")]
    Invalid(InvalidTransaction),
    /// Unknown validity.
    #[error("Unknown Transaction Validity: {0}")]
    Unknown(UnknownTransaction),
}

/// Why an extrinsic was refused before dispatch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Not decodable.
    #[error("Extrinsic has invalid format: {0}")]
    BadFormat(#[from] extrinsic::DecodeXtError),
    /// Decodable but invalid.
    #[error(transparent)]
    Validity(#[from] TransactionValidityError),
}

impl From<InvalidTransaction> for TxError {
    fn from(e: InvalidTransaction) -> Self {
        Self::Validity(TransactionValidityError::Invalid(e))
    }
}

impl From<UnknownTransaction> for TxError {
    fn from(e: UnknownTransaction) -> Self {
        Self::Validity(TransactionValidityError::Unknown(e))
    }
}
