//! Runtime metadata V14 and V15, derived with `frame-metadata` from the `TypeInfo` of the
//! runtime's own call, event, error and storage types — never a hand-written blob.
//!
//! Pallet indices are subtensor's; the extension list is subtensor's 13 (see
//! [`super::extrinsic`]); `DispatchError` carries the path `sp_runtime::DispatchError`. V15 adds the
//! runtime-API section that the Python SDK and polkadot.js use to encode `state_call`s.

use std::sync::OnceLock;

use frame_metadata::v14::{
    PalletCallMetadata, PalletConstantMetadata, PalletErrorMetadata, PalletEventMetadata,
    PalletStorageMetadata, StorageEntryMetadata,
};
use frame_metadata::{RuntimeMetadata, RuntimeMetadataPrefixed, v14, v15};
use parity_scale_codec::{Decode, Encode};
use scale_info::{MetaType, Path, Type, TypeInfo, TypeParameter, build::Fields, meta_type};

use crate::primitives::{AccountId32, Balance, MultiAddress, MultiSignature};

use super::extrinsic::{self, TxExtension};
use super::{
    RuntimeCall, RuntimeError, RuntimeEvent, SPEC_VERSION, SS58_PREFIX, balances, bridge,
    commitments, index, payment, subtensor, sudo, system, timestamp,
};

/// The metadata versions served (`Metadata_metadata_versions`).
pub const VERSIONS: [u32; 2] = [14, 15];

/// `sp_version::RuntimeVersion`, as `Core_version` returns it.
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

/// Runtime APIs served through `state_call`, with their versions.
pub const APIS: [(&str, u32); 5] = [
    ("Core", 5),
    ("Metadata", 2),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 4),
    ("TaggedTransactionQueue", 3),
];

/// The runtime version.
pub fn runtime_version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: super::SPEC_NAME.into(),
        impl_name: super::IMPL_NAME.into(),
        authoring_version: 1,
        spec_version: SPEC_VERSION,
        impl_version: 1,
        apis: APIS
            .iter()
            .copied()
            .chain(subtensor::runtime_api::APIS.iter().map(|(n, v, _)| (*n, *v)))
            .map(|(n, v)| (sp_crypto_hashing::blake2_64(n.as_bytes()), v))
            .collect(),
        transaction_version: super::TX_VERSION,
        system_version: 1,
    }
}

/// Stand-in for `sp_runtime::generic::UncheckedExtrinsic<Address, Call, Signature, Extra>`: the
/// opaque extrinsic bytes, with the type parameters V14 clients read the address and signature
/// types from.
pub struct UncheckedExtrinsic;

impl TypeInfo for UncheckedExtrinsic {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("UncheckedExtrinsic", "sp_runtime::generic::unchecked_extrinsic"))
            .type_params(vec![
                TypeParameter::new("Address", Some(meta_type::<MultiAddress>())),
                TypeParameter::new("Call", Some(meta_type::<RuntimeCall>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<TxExtension>())),
            ])
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
    }
}

/// The runtime marker type the metadata's `ty` points at.
#[derive(TypeInfo)]
pub struct Runtime;

fn constant<T: Encode + TypeInfo + 'static>(
    name: &'static str,
    value: T,
    doc: &'static str,
) -> PalletConstantMetadata {
    PalletConstantMetadata { name, ty: meta_type::<T>(), value: value.encode(), docs: vec![doc] }
}

fn storage(
    prefix: &'static str,
    entries: Vec<StorageEntryMetadata>,
) -> Option<PalletStorageMetadata> {
    Some(PalletStorageMetadata { prefix, entries })
}

struct Pallet {
    name: &'static str,
    index: u8,
    storage: Option<PalletStorageMetadata>,
    calls: Option<MetaType>,
    event: Option<MetaType>,
    constants: Vec<PalletConstantMetadata>,
    error: Option<MetaType>,
}

fn pallets() -> Vec<Pallet> {
    let system_storage = storage(
        "System",
        vec![
            system::ACCOUNT.meta(Some(Default::default()), "The full account information."),
            system::EXTRINSIC_COUNT.meta(None, "Total extrinsics count for the current block."),
            system::BLOCK_HASH.meta(Some(Default::default()), "Map of block numbers to hashes."),
            system::NUMBER.meta(Some(0), "The current block number being processed."),
            system::PARENT_HASH.meta(Some(Default::default()), "Hash of the previous block."),
            system::DIGEST.meta(Some(Default::default()), "Digest of the current block."),
            system::EVENTS.meta(Some(Vec::new()), "Events deposited for the current block."),
            system::EVENT_COUNT.meta(Some(0), "The number of events in `Events`."),
        ],
    );
    vec![
        Pallet {
            name: "System",
            index: index::SYSTEM,
            storage: system_storage,
            calls: Some(meta_type::<system::Call>()),
            event: Some(meta_type::<system::Event>()),
            constants: vec![
                constant("BlockHashCount", system::BLOCK_HASH_COUNT, "Block hashes kept."),
                constant("Version", runtime_version(), "The runtime version."),
                constant("SS58Prefix", SS58_PREFIX, "The SS58 prefix."),
            ],
            error: Some(meta_type::<system::Error>()),
        },
        Pallet {
            name: "Timestamp",
            index: index::TIMESTAMP,
            storage: storage("Timestamp", vec![timestamp::NOW.meta(Some(0), "Current time (ms).")]),
            calls: None,
            event: None,
            constants: vec![constant("MinimumPeriod", 500u64, "Half the minimum block time (ms).")],
            error: None,
        },
        Pallet {
            name: "Balances",
            index: index::BALANCES,
            storage: storage(
                "Balances",
                vec![
                    balances::TOTAL_ISSUANCE.meta(Some(0), "The total units issued."),
                    balances::INACTIVE_ISSUANCE
                        .meta(Some(0), "The total units of inactive issuance."),
                ],
            ),
            calls: Some(meta_type::<balances::Call>()),
            event: Some(meta_type::<balances::Event>()),
            constants: vec![constant::<Balance>(
                "ExistentialDeposit",
                balances::EXISTENTIAL_DEPOSIT,
                "The minimum amount required to keep an account open.",
            )],
            error: Some(meta_type::<balances::Error>()),
        },
        Pallet {
            name: "TransactionPayment",
            index: index::TRANSACTION_PAYMENT,
            storage: storage(
                "TransactionPayment",
                vec![
                    payment::NEXT_FEE_MULTIPLIER
                        .meta(Some(1_000_000_000_000_000_000), "Fee multiplier."),
                ],
            ),
            calls: None,
            event: Some(meta_type::<payment::Event>()),
            constants: vec![constant(
                "OperationalFeeMultiplier",
                payment::OPERATIONAL_FEE_MULTIPLIER,
                "Priority multiplier for operational transactions.",
            )],
            error: None,
        },
        Pallet {
            name: "SubtensorModule",
            index: index::SUBTENSOR,
            storage: Some(subtensor::storage::metadata::storage()),
            calls: Some(meta_type::<subtensor::Call>()),
            event: Some(meta_type::<subtensor::Event>()),
            constants: vec![],
            error: Some(meta_type::<subtensor::Error>()),
        },
        Pallet {
            name: "Sudo",
            index: index::SUDO,
            storage: storage(
                "Sudo",
                vec![sudo::KEY.meta(None, "The `AccountId` of the sudo key.")],
            ),
            calls: Some(meta_type::<sudo::Call>()),
            event: Some(meta_type::<sudo::Event>()),
            constants: vec![],
            error: Some(meta_type::<sudo::Error>()),
        },
        Pallet {
            name: "Commitments",
            index: index::COMMITMENTS,
            storage: storage("Commitments", commitments::storage_metadata()),
            calls: Some(meta_type::<commitments::Call>()),
            event: Some(meta_type::<commitments::Event>()),
            constants: commitments::constants_metadata(),
            error: Some(meta_type::<commitments::Error>()),
        },
        Pallet {
            name: "AdminUtils",
            index: index::ADMIN_UTILS,
            storage: None,
            calls: Some(meta_type::<subtensor::admin_utils::Call>()),
            event: Some(meta_type::<subtensor::admin_utils::Event>()),
            constants: vec![],
            error: Some(meta_type::<subtensor::admin_utils::Error>()),
        },
        Pallet {
            name: "Bridge",
            index: index::BRIDGE,
            storage: storage(
                "Bridge",
                vec![
                    bridge::NEXT_LOCK_NONCE.meta(Some(0), "Nonce of the next lock."),
                    bridge::LOCKS_BY_BLOCK
                        .meta(Some(Vec::new()), "Locks of each block (the mint batch)."),
                    bridge::ATTESTATIONS
                        .meta(None, "Relayer signatures of each block's mint batch."),
                    bridge::RELAYERS.meta(Some(Vec::new()), "The relayer set."),
                    bridge::THRESHOLD.meta(Some(0), "Approvals / signatures needed."),
                    bridge::DOMAIN.meta(Some(Default::default()), "EIP-712 domain of TaoBridge."),
                    bridge::PENDING.meta(None, "Pending releases by (eth_chain_id, burn_nonce)."),
                    bridge::RELEASED.meta(None, "Block each burn was released in."),
                    bridge::LIMIT.meta(Some(Default::default()), "Release rate limit."),
                    bridge::WINDOW.meta(Some(Default::default()), "Current rate-limit window."),
                ],
            ),
            calls: Some(meta_type::<bridge::Call>()),
            event: Some(meta_type::<bridge::Event>()),
            constants: vec![constant::<AccountId32>(
                "CustodyAccount",
                bridge::custody_account(),
                "The account holding locked TAO.",
            )],
            error: Some(meta_type::<bridge::Error>()),
        },
    ]
}

fn v14_pallets() -> Vec<v14::PalletMetadata> {
    pallets()
        .into_iter()
        .map(|p| v14::PalletMetadata {
            name: p.name,
            storage: p.storage,
            calls: p.calls.map(|ty| PalletCallMetadata { ty }),
            event: p.event.map(|ty| PalletEventMetadata { ty }),
            constants: p.constants,
            error: p.error.map(|ty| PalletErrorMetadata { ty }),
            index: p.index,
        })
        .collect()
}

fn v15_pallets() -> Vec<v15::PalletMetadata> {
    pallets()
        .into_iter()
        .map(|p| v15::PalletMetadata {
            name: p.name,
            storage: p.storage,
            calls: p.calls.map(|ty| PalletCallMetadata { ty }),
            event: p.event.map(|ty| PalletEventMetadata { ty }),
            constants: p.constants,
            error: p.error.map(|ty| PalletErrorMetadata { ty }),
            index: p.index,
            docs: vec![],
        })
        .collect()
}

fn apis() -> Vec<v15::RuntimeApiMetadata> {
    use v15::{
        RuntimeApiMetadata as Api, RuntimeApiMethodMetadata as M,
        RuntimeApiMethodParamMetadata as In,
    };
    let p = |name, ty| In { name, ty };
    let subtensor_apis = subtensor::runtime_api::APIS.iter().map(|(name, _, methods)| Api {
        name: *name,
        methods: methods
            .iter()
            .map(|m| M {
                name: m.name(),
                inputs: m.inputs().into_iter().map(|(name, ty)| p(name, ty)).collect(),
                output: m.output(),
                docs: vec![],
            })
            .collect(),
        docs: vec![],
    });
    let mut apis = vec![
        Api {
            name: "Core",
            methods: vec![M {
                name: "version",
                inputs: vec![],
                output: meta_type::<RuntimeVersion>(),
                docs: vec!["Returns the version of the runtime."],
            }],
            docs: vec!["The `Core` runtime api that every Substrate runtime needs to implement."],
        },
        Api {
            name: "Metadata",
            methods: vec![
                M {
                    name: "metadata",
                    inputs: vec![],
                    output: meta_type::<Vec<u8>>(),
                    docs: vec!["Returns the metadata of a runtime."],
                },
                M {
                    name: "metadata_at_version",
                    inputs: vec![p("version", meta_type::<u32>())],
                    output: meta_type::<Option<Vec<u8>>>(),
                    docs: vec!["Returns the metadata at a given version."],
                },
                M {
                    name: "metadata_versions",
                    inputs: vec![],
                    output: meta_type::<Vec<u32>>(),
                    docs: vec!["Returns the supported metadata versions."],
                },
            ],
            docs: vec!["The `Metadata` api trait that returns metadata for the runtime."],
        },
        Api {
            name: "AccountNonceApi",
            methods: vec![M {
                name: "account_nonce",
                inputs: vec![p("account", meta_type::<AccountId32>())],
                output: meta_type::<u32>(),
                docs: vec!["Get current account nonce of given `AccountId`."],
            }],
            docs: vec!["The API to query account nonce."],
        },
        Api {
            name: "TransactionPaymentApi",
            methods: vec![M {
                name: "query_info",
                inputs: vec![
                    p("uxt", meta_type::<UncheckedExtrinsic>()),
                    p("len", meta_type::<u32>()),
                ],
                output: meta_type::<payment::RuntimeDispatchInfo>(),
                docs: vec!["The fee estimate for an extrinsic."],
            }],
            docs: vec![],
        },
        Api {
            name: "TaggedTransactionQueue",
            methods: vec![M {
                name: "validate_transaction",
                inputs: vec![
                    p("source", meta_type::<super::api::TransactionSource>()),
                    p("tx", meta_type::<UncheckedExtrinsic>()),
                    p("block_hash", meta_type::<crate::primitives::H256>()),
                ],
                output: meta_type::<
                    Result<super::api::ValidTransaction, super::TransactionValidityError>,
                >(),
                docs: vec!["Validate the transaction."],
            }],
            docs: vec![
                "The `TaggedTransactionQueue` api trait for interfering with the transaction queue.",
            ],
        },
    ];
    apis.extend(subtensor_apis);
    apis
}

fn signed_extensions_v14() -> Vec<v14::SignedExtensionMetadata> {
    extrinsic::extensions()
        .into_iter()
        .map(|e| v14::SignedExtensionMetadata {
            identifier: e.identifier,
            ty: e.ty,
            additional_signed: e.implicit,
        })
        .collect()
}

fn signed_extensions_v15() -> Vec<v15::SignedExtensionMetadata> {
    extrinsic::extensions()
        .into_iter()
        .map(|e| v15::SignedExtensionMetadata {
            identifier: e.identifier,
            ty: e.ty,
            additional_signed: e.implicit,
        })
        .collect()
}

/// Type paths the metadata publishes in another shape than the Rust module path. cyscale (which
/// bittensor-cli and async-substrate-interface decode with) finds the outer event and call enums
/// only through its catch-all `*::RuntimeEvent` / `*::RuntimeCall`, which match two-segment paths:
/// they are named as subtensor's runtime names them. Each pallet's own `Call` / `Event` keeps its
/// longer path, or the catch-all `*::Event` would take it for the outer enum.
pub const PUBLISHED_PATHS: &[(&str, &str)] = &[
    ("tao_node::runtime::RuntimeEvent", "node_subtensor_runtime::RuntimeEvent"),
    ("tao_node::runtime::RuntimeCall", "node_subtensor_runtime::RuntimeCall"),
    ("tao_node::runtime::RuntimeError", "node_subtensor_runtime::RuntimeError"),
];

/// Rewrite every type path equal to a [`PUBLISHED_PATHS`] entry.
fn publish_paths(types: &mut scale_info::PortableRegistry) {
    for t in &mut types.types {
        let path = t.ty.path.segments.join("::");
        if let Some((_, to)) = PUBLISHED_PATHS.iter().find(|(from, _)| *from == path) {
            t.ty.path.segments = to.split("::").map(str::to_owned).collect();
        }
    }
}

/// Build V14 metadata.
pub fn build_v14() -> RuntimeMetadataPrefixed {
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsic>(),
        version: 4,
        signed_extensions: signed_extensions_v14(),
    };
    let mut md = v14::RuntimeMetadataV14::new(v14_pallets(), extrinsic, meta_type::<Runtime>());
    publish_paths(&mut md.types);
    md.into()
}

/// Build V15 metadata.
pub fn build_v15() -> RuntimeMetadataPrefixed {
    let extrinsic = v15::ExtrinsicMetadata {
        version: 4,
        address_ty: meta_type::<MultiAddress>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        extra_ty: meta_type::<TxExtension>(),
        signed_extensions: signed_extensions_v15(),
    };
    let outer = v15::OuterEnums {
        call_enum_ty: meta_type::<RuntimeCall>(),
        event_enum_ty: meta_type::<RuntimeEvent>(),
        error_enum_ty: meta_type::<RuntimeError>(),
    };
    let custom = v15::CustomMetadata { map: Default::default() };
    let mut md = v15::RuntimeMetadataV15::new(
        v15_pallets(),
        extrinsic,
        meta_type::<Runtime>(),
        apis(),
        outer,
        custom,
    );
    publish_paths(&mut md.types);
    md.into()
}

/// The encoded `RuntimeMetadataPrefixed` for `version` (14 or 15), cached.
pub fn encoded(version: u32) -> Option<&'static [u8]> {
    static V14: OnceLock<Vec<u8>> = OnceLock::new();
    static V15: OnceLock<Vec<u8>> = OnceLock::new();
    match version {
        14 => Some(V14.get_or_init(|| build_v14().encode())),
        15 => Some(V15.get_or_init(|| build_v15().encode())),
        _ => None,
    }
}

/// Check the metadata is what clients expect (used by tests).
pub fn is_v15(m: &RuntimeMetadataPrefixed) -> bool {
    matches!(m.1, RuntimeMetadata::V15(_))
}
