//! The runtime APIs: one table ([`APIS`]) of API name, version and methods, with each method's
//! parameter and return types. Three readers share it, so they cannot disagree:
//!
//! * `Core_version` lists every API's `(blake2_64(name), version)` ([`runtime_version`]);
//! * the V15 metadata's `apis` section declares every API and method with their types
//!   ([`super::metadata`]), which is how the Python SDK and polkadot.js encode a `state_call`;
//! * `state_call` dispatches `"{Api}_{method}"` only through [`lookup`] and then matches on
//!   [`Method`] exhaustively ([`super::state_call`]).
//!
//! So a method declared in the metadata is always dispatched and a dispatched method is always
//! declared. Adding one: a [`Method`] variant, its [`Method::name`] and [`Method::signature`]
//! (the compiler asks for both), the variant in its API's row of [`APIS`], and its arm in
//! `state_call::call` (the compiler asks for that too). A new API is a new row.
//!
//! SubtensorModule's APIs (`NeuronInfoRuntimeApi`, `SubnetInfoRuntimeApi`, `StakeInfoRuntimeApi`,
//! `SubnetRegistrationRuntimeApi`, `SwapRuntimeApi`) are rows here too; their methods are one
//! variant, [`Method::Subtensor`], wrapping [`subtensor::runtime_api::Method`], which owns their
//! names, types and answers next to the storage they read.
//!
//! This module holds the types the APIs exchange and depends on no other runtime-API code but
//! SubtensorModule's method list; the metadata reads it, and `state_call` reads both.

use parity_scale_codec::{Decode, Encode};
use scale_info::{MetaType, TypeInfo, meta_type};

use crate::primitives::{AccountId32, H256};

use super::extrinsic::OpaqueExtrinsic;
use super::subtensor::runtime_api::Method as SubtensorMethod;
use super::{IMPL_NAME, SPEC_NAME, SPEC_VERSION, TX_VERSION, TransactionValidityError, payment};

/// `sp_version::RuntimeVersion`, as `Core_version` returns it.
///
/// Its metadata path is `tao_node::runtime::metadata::RuntimeVersion`, where it was first
/// published (see `metadata::PUBLISHED_PATHS`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct RuntimeVersion {
    /// Spec name.
    pub spec_name: String,
    /// Impl name.
    pub impl_name: String,
    /// Authoring version.
    pub authoring_version: u32,
    /// Spec version.
    pub spec_version: u32,
    /// Impl version.
    pub impl_version: u32,
    /// `(blake2_64(api name), version)` of every runtime API served.
    pub apis: Vec<([u8; 8], u32)>,
    /// Transaction version.
    pub transaction_version: u32,
    /// System version.
    pub system_version: u8,
}

/// The runtime version: the constants of [`super`] and the APIs of [`APIS`].
pub fn runtime_version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: SPEC_NAME.into(),
        impl_name: IMPL_NAME.into(),
        authoring_version: 1,
        spec_version: SPEC_VERSION,
        impl_version: 1,
        apis: APIS
            .iter()
            .map(|a| (sp_crypto_hashing::blake2_64(a.name.as_bytes()), a.version))
            .collect(),
        transaction_version: TX_VERSION,
        system_version: 1,
    }
}

/// `sp_runtime::transaction_validity::ValidTransaction`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
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
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum TransactionSource {
    /// From a block.
    InBlock,
    /// Local submission.
    Local,
    /// From the network / RPC.
    External,
}

/// One runtime API: a row of [`APIS`].
#[derive(Clone, Copy, Debug)]
pub struct RuntimeApi {
    /// The trait name clients call it by (`state_call` method prefix, metadata name).
    pub name: &'static str,
    /// Its version in `Core_version` (the version of the substrate trait mirrored).
    pub version: u32,
    /// Its methods, in metadata order.
    pub methods: &'static [Method],
    /// Docs in the V15 metadata.
    pub docs: &'static [&'static str],
}

/// Every runtime API method served.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    /// `Core_version`.
    CoreVersion,
    /// `Metadata_metadata`.
    Metadata,
    /// `Metadata_metadata_at_version`.
    MetadataAtVersion,
    /// `Metadata_metadata_versions`.
    MetadataVersions,
    /// `AccountNonceApi_account_nonce`.
    AccountNonce,
    /// `TransactionPaymentApi_query_info`.
    QueryInfo,
    /// `TaggedTransactionQueue_validate_transaction`.
    ValidateTransaction,
    /// A SubtensorModule runtime-API method (`NeuronInfoRuntimeApi_get_neurons`, ...).
    Subtensor(SubtensorMethod),
}

/// A method's types as the V15 metadata declares them.
pub struct Signature {
    /// Named parameters, in order; `state_call` input is their SCALE concatenation.
    pub inputs: Vec<(&'static str, MetaType)>,
    /// The SCALE type of the result.
    pub output: MetaType,
    /// Docs in the V15 metadata.
    pub docs: &'static [&'static str],
}

impl Method {
    /// The method's name within its API (`state_call` suffix, metadata name).
    pub fn name(self) -> &'static str {
        match self {
            Self::CoreVersion => "version",
            Self::Metadata => "metadata",
            Self::MetadataAtVersion => "metadata_at_version",
            Self::MetadataVersions => "metadata_versions",
            Self::AccountNonce => "account_nonce",
            Self::QueryInfo => "query_info",
            Self::ValidateTransaction => "validate_transaction",
            Self::Subtensor(m) => m.name(),
        }
    }

    /// The method's parameter and return types (what `state_call` decodes and encodes).
    pub fn signature(self) -> Signature {
        fn sig(
            inputs: Vec<(&'static str, MetaType)>,
            output: MetaType,
            docs: &'static [&'static str],
        ) -> Signature {
            Signature { inputs, output, docs }
        }
        match self {
            Self::CoreVersion => {
                sig(vec![], meta_type::<RuntimeVersion>(), &["Returns the version of the runtime."])
            }
            Self::Metadata => {
                sig(vec![], meta_type::<Vec<u8>>(), &["Returns the metadata of a runtime."])
            }
            Self::MetadataAtVersion => sig(
                vec![("version", meta_type::<u32>())],
                meta_type::<Option<Vec<u8>>>(),
                &["Returns the metadata at a given version."],
            ),
            Self::MetadataVersions => {
                sig(vec![], meta_type::<Vec<u32>>(), &["Returns the supported metadata versions."])
            }
            Self::AccountNonce => sig(
                vec![("account", meta_type::<AccountId32>())],
                meta_type::<u32>(),
                &["Get current account nonce of given `AccountId`."],
            ),
            Self::QueryInfo => sig(
                vec![("uxt", meta_type::<OpaqueExtrinsic>()), ("len", meta_type::<u32>())],
                meta_type::<payment::RuntimeDispatchInfo>(),
                &["The fee estimate for an extrinsic."],
            ),
            Self::ValidateTransaction => sig(
                vec![
                    ("source", meta_type::<TransactionSource>()),
                    ("tx", meta_type::<OpaqueExtrinsic>()),
                    ("block_hash", meta_type::<H256>()),
                ],
                meta_type::<Result<ValidTransaction, TransactionValidityError>>(),
                &["Validate the transaction."],
            ),
            Self::Subtensor(m) => sig(m.inputs(), m.output(), &[]),
        }
    }
}

/// The runtime APIs served, in `Core_version` and metadata order.
pub const APIS: &[RuntimeApi] = &[
    RuntimeApi {
        name: "Core",
        version: 5,
        methods: &[Method::CoreVersion],
        docs: &["The `Core` runtime api that every Substrate runtime needs to implement."],
    },
    RuntimeApi {
        name: "Metadata",
        version: 2,
        methods: &[Method::Metadata, Method::MetadataAtVersion, Method::MetadataVersions],
        docs: &["The `Metadata` api trait that returns metadata for the runtime."],
    },
    RuntimeApi {
        name: "AccountNonceApi",
        version: 1,
        methods: &[Method::AccountNonce],
        docs: &["The API to query account nonce."],
    },
    RuntimeApi {
        name: "TransactionPaymentApi",
        version: 4,
        methods: &[Method::QueryInfo],
        docs: &[],
    },
    RuntimeApi {
        name: "TaggedTransactionQueue",
        version: 3,
        methods: &[Method::ValidateTransaction],
        docs: &[
            "The `TaggedTransactionQueue` api trait for interfering with the transaction queue.",
        ],
    },
    RuntimeApi {
        name: "NeuronInfoRuntimeApi",
        version: 1,
        methods: &[
            Method::Subtensor(SubtensorMethod::GetNeurons),
            Method::Subtensor(SubtensorMethod::GetNeuron),
            Method::Subtensor(SubtensorMethod::GetNeuronsLite),
            Method::Subtensor(SubtensorMethod::GetNeuronLite),
        ],
        docs: &[],
    },
    RuntimeApi {
        name: "SubnetInfoRuntimeApi",
        version: 2,
        methods: &[
            Method::Subtensor(SubtensorMethod::GetAllDynamicInfo),
            Method::Subtensor(SubtensorMethod::GetAllMetagraphs),
            Method::Subtensor(SubtensorMethod::GetMetagraph),
            Method::Subtensor(SubtensorMethod::GetDynamicInfo),
        ],
        docs: &[],
    },
    RuntimeApi {
        name: "StakeInfoRuntimeApi",
        version: 1,
        methods: &[
            Method::Subtensor(SubtensorMethod::GetStakeInfoForColdkey),
            Method::Subtensor(SubtensorMethod::GetStakeInfoForColdkeys),
            Method::Subtensor(SubtensorMethod::GetStakeInfoForHotkeyColdkeyNetuid),
        ],
        docs: &[],
    },
    RuntimeApi {
        name: "SubnetRegistrationRuntimeApi",
        version: 1,
        methods: &[Method::Subtensor(SubtensorMethod::GetNetworkRegistrationCost)],
        docs: &[],
    },
    RuntimeApi {
        name: "SwapRuntimeApi",
        version: 1,
        methods: &[
            Method::Subtensor(SubtensorMethod::CurrentAlphaPrice),
            Method::Subtensor(SubtensorMethod::CurrentAlphaPriceAll),
        ],
        docs: &[],
    },
];

/// The method a `state_call` names as `"{Api}_{method}"`, if [`APIS`] declares it.
pub fn lookup(state_call_method: &str) -> Option<Method> {
    APIS.iter().find_map(|api| {
        let method = state_call_method.strip_prefix(api.name)?.strip_prefix('_')?;
        api.methods.iter().copied().find(|m| m.name() == method)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_method_is_found_by_its_state_call_name() {
        for api in APIS {
            for m in api.methods {
                assert_eq!(lookup(&format!("{}_{}", api.name, m.name())), Some(*m));
            }
        }
        assert_eq!(lookup("Core_versions"), None);
        assert_eq!(lookup("Corex_version"), None);
        assert_eq!(lookup("Core"), None);
    }

    #[test]
    fn api_and_method_names_are_unique() {
        let mut names: Vec<String> = APIS
            .iter()
            .flat_map(|a| a.methods.iter().map(move |m| format!("{}_{}", a.name, m.name())))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n);
        let mut apis: Vec<&str> = APIS.iter().map(|a| a.name).collect();
        apis.sort_unstable();
        apis.dedup();
        assert_eq!(apis.len(), APIS.len());
    }
}
