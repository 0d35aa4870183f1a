//! `state_call`: runs the runtime-API methods declared in [`super::api::APIS`] (`Core_version`,
//! `Metadata_*`, `AccountNonceApi_account_nonce`, `TransactionPaymentApi_query_info`,
//! `TaggedTransactionQueue_validate_transaction`, and SubtensorModule's APIs) against the state
//! of one block. Inputs and outputs are SCALE, exactly as a wasm runtime's API would take and
//! return them.
//!
//! A method name is resolved only through [`api::lookup`] and then matched on [`Method`]
//! exhaustively, so what is served and what the metadata declares are one list.

use parity_scale_codec::{Decode, Encode};

use crate::primitives::{AccountId32, BlockNumber, H256, with_length_prefix};
use crate::state::{StateError, StateRead};

use super::api::{self, Method, TransactionSource, ValidTransaction};
use super::extrinsic::UncheckedExtrinsic;
use super::{
    BlockContext, Ext, Runtime, TransactionValidityError, TxError, metadata, payment, system,
};

/// The block a runtime call runs at.
#[derive(Clone, Copy, Debug)]
pub struct CallAt {
    /// The runtime (genesis hash).
    pub runtime: Runtime,
    /// Block number of the state.
    pub number: BlockNumber,
    /// Its hash.
    pub hash: H256,
}

/// Why a runtime API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such method.
    #[error("Method {0} not found in the runtime")]
    UnknownMethod(String),
    /// Bad input.
    #[error("could not decode the input of {method}: {msg}")]
    BadInput {
        /// Method.
        method: &'static str,
        /// Why.
        msg: String,
    },
    /// State unreadable.
    #[error(transparent)]
    State(#[from] StateError),
}

/// Decode the whole of `data` as `T` (trailing bytes are an error, as in a wasm runtime).
fn input<T: Decode>(method: &'static str, data: &[u8]) -> Result<T, ApiError> {
    let mut d = data;
    let v = T::decode(&mut d).map_err(|e| ApiError::BadInput { method, msg: e.to_string() })?;
    if !d.is_empty() {
        return Err(ApiError::BadInput { method, msg: format!("{} trailing bytes", d.len()) });
    }
    Ok(v)
}

/// The first state failure `ext` latched, as an error (a half-read answer is never returned).
fn check_state(ext: &Ext<'_>) -> Result<(), ApiError> {
    match ext.overlay.fatal() {
        Some(e) => Err(e.clone().into()),
        None => Ok(()),
    }
}

/// Answer `state_call(method, data)` against `state` (the state of block `at`).
pub fn call(
    state: &dyn StateRead,
    at: &CallAt,
    method: &str,
    data: &[u8],
) -> Result<Vec<u8>, ApiError> {
    let Some(m) = api::lookup(method) else {
        return Err(ApiError::UnknownMethod(method.to_owned()));
    };
    match m {
        Method::ValidateTransaction => {
            const M: &str = "TaggedTransactionQueue_validate_transaction";
            let (_source, body, _hash): (TransactionSource, Vec<u8>, H256) = input(M, data)?;
            let opaque = with_length_prefix(&body);
            let mut ext = Ext::new(state);
            let ctx = BlockContext {
                number: at.number.saturating_add(1),
                parent_hash: at.hash,
                timestamp_ms: 0,
            };
            at.runtime.initialize_block(&mut ext, &ctx);
            let validity: Result<ValidTransaction, TransactionValidityError> =
                match at.runtime.validate(&mut ext, &opaque, true) {
                    Ok(v) => Ok(ValidTransaction {
                        priority: 1,
                        requires: match v.nonce.checked_sub(1) {
                            Some(prev) if v.nonce > v.account_nonce => {
                                vec![(v.signer, prev).encode()]
                            }
                            _ => vec![],
                        },
                        provides: vec![(v.signer, v.nonce).encode()],
                        longevity: v.longevity,
                        propagate: true,
                    }),
                    Err(TxError::Validity(e)) => Err(e),
                    Err(TxError::BadFormat(e)) => {
                        return Err(ApiError::BadInput { method: M, msg: e.to_string() });
                    }
                };
            check_state(&ext)?;
            Ok(validity.encode())
        }
        Method::CoreVersion => Ok(api::runtime_version().encode()),
        Method::MetadataVersions => Ok(metadata::VERSIONS.to_vec().encode()),
        Method::Metadata => {
            Ok(metadata::encoded(14).map(<[u8]>::to_vec).unwrap_or_default().encode())
        }
        Method::MetadataAtVersion => {
            let v: u32 = input("Metadata_metadata_at_version", data)?;
            Ok(metadata::encoded(v).map(<[u8]>::to_vec).encode())
        }
        Method::AccountNonce => {
            let who: AccountId32 = input("AccountNonceApi_account_nonce", data)?;
            let mut ext = Ext::new(state);
            let nonce = system::ACCOUNT.get(&mut ext, &who).nonce;
            check_state(&ext)?;
            Ok(nonce.encode())
        }
        Method::QueryInfo => {
            const M: &str = "TransactionPaymentApi_query_info";
            let (body, len): (Vec<u8>, u32) = input(M, data)?;
            let opaque = with_length_prefix(&body);
            let xt = UncheckedExtrinsic::decode_opaque(&opaque)
                .map_err(|e| ApiError::BadInput { method: M, msg: e.to_string() })?;
            let info = xt.call.info();
            let fee = payment::compute_fee(len, &info, 0).unwrap_or(u64::MAX);
            Ok(payment::RuntimeDispatchInfo {
                weight: info.weight,
                class: info.class,
                partial_fee: u128::from(fee),
            }
            .encode())
        }
        Method::Subtensor(m) => {
            let mut ext = Ext::new(state);
            let out = m
                .call(&mut ext, u64::from(at.number), data)
                .map_err(|e| ApiError::BadInput { method: m.name(), msg: e.0 })?;
            check_state(&ext)?;
            Ok(out)
        }
    }
}
