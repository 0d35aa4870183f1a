//! Runtime APIs served through `state_call` (`Core_version`, `Metadata_*`,
//! `AccountNonceApi_account_nonce`, `TransactionPaymentApi_query_info`). Inputs and outputs are
//! SCALE, exactly as a wasm runtime's API would take and return them.

use parity_scale_codec::{Decode, Encode};

use crate::primitives::{AccountId32, BlockNumber, H256, with_length_prefix};
use crate::state::StateRead;

use super::extrinsic::UncheckedExtrinsic;
use super::{
    BlockContext, Ext, Runtime, TransactionValidityError, TxError, metadata, payment, system,
};

/// `sp_runtime::transaction_validity::ValidTransaction`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
pub struct ValidTransaction {
    /// Priority (flat: 1, as subtensor's normal class).
    pub priority: u64,
    /// Tags that must be provided first: `(signer, nonce - 1)` for a future nonce.
    pub requires: Vec<Vec<u8>>,
    /// Tags this provides: `(signer, nonce)`.
    pub provides: Vec<Vec<u8>>,
    /// Blocks it stays valid for.
    pub longevity: u64,
    /// Gossip it.
    pub propagate: bool,
}

/// `sp_runtime::transaction_validity::TransactionSource`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, scale_info::TypeInfo)]
pub enum TransactionSource {
    /// From a block.
    InBlock,
    /// Local submission.
    Local,
    /// From the network / RPC.
    External,
}

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
    State(#[from] crate::state::StateError),
}

fn input<T: Decode>(method: &'static str, data: &[u8]) -> Result<T, ApiError> {
    let mut d = data;
    let v = T::decode(&mut d).map_err(|e| ApiError::BadInput { method, msg: e.to_string() })?;
    if !d.is_empty() {
        return Err(ApiError::BadInput { method, msg: format!("{} trailing bytes", d.len()) });
    }
    Ok(v)
}

/// Answer `state_call(method, data)` against `state` (the state of block `at`).
pub fn call(
    state: &dyn StateRead,
    at: &CallAt,
    method: &str,
    data: &[u8],
) -> Result<Vec<u8>, ApiError> {
    match method {
        "TaggedTransactionQueue_validate_transaction" => {
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
            if let Some(e) = ext.overlay.fatal() {
                return Err(e.clone().into());
            }
            Ok(validity.encode())
        }
        "Core_version" => Ok(metadata::runtime_version().encode()),
        "Metadata_metadata_versions" => Ok(metadata::VERSIONS.to_vec().encode()),
        "Metadata_metadata" => {
            Ok(metadata::encoded(14).map(<[u8]>::to_vec).unwrap_or_default().encode())
        }
        "Metadata_metadata_at_version" => {
            let v: u32 = input("Metadata_metadata_at_version", data)?;
            Ok(metadata::encoded(v).map(<[u8]>::to_vec).encode())
        }
        "AccountNonceApi_account_nonce" => {
            let who: AccountId32 = input("AccountNonceApi_account_nonce", data)?;
            let mut ext = Ext::new(state);
            let nonce = system::ACCOUNT.get(&mut ext, &who).nonce;
            if let Some(e) = ext.overlay.fatal() {
                return Err(e.clone().into());
            }
            Ok(nonce.encode())
        }
        "TransactionPaymentApi_query_info" => {
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
        other => {
            let Some(m) = subtensor_method(other) else {
                return Err(ApiError::UnknownMethod(other.to_owned()));
            };
            let mut ext = Ext::new(state);
            let out = m
                .call(&mut ext, u64::from(at.number), data)
                .map_err(|e| ApiError::BadInput { method: m.name(), msg: e.0 })?;
            if let Some(e) = ext.overlay.fatal() {
                return Err(e.clone().into());
            }
            Ok(out)
        }
    }
}

/// The SubtensorModule method `"{Api}_{method}"` names, if any.
fn subtensor_method(name: &str) -> Option<super::subtensor::runtime_api::Method> {
    super::subtensor::runtime_api::APIS.iter().find_map(|(api, _, methods)| {
        let method = name.strip_prefix(api)?.strip_prefix('_')?;
        methods.iter().copied().find(|m| m.name() == method)
    })
}
