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
use parity_scale_codec::Encode;
use scale_info::{MetaType, PortableRegistry, TypeInfo, meta_type};

use crate::primitives::{AccountId32, Balance, MultiAddress, MultiSignature};

use super::extrinsic::{self, OpaqueExtrinsic, TxExtension};
use super::{
    RuntimeCall, RuntimeError, RuntimeEvent, SS58_PREFIX, api, balances, bridge, commitments,
    index, payment, subtensor, sudo, system, timestamp,
};

/// The metadata versions served (`Metadata_metadata_versions`).
pub const VERSIONS: [u32; 2] = [14, 15];

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
                constant("Version", api::runtime_version(), "The runtime version."),
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
    api::APIS
        .iter()
        .map(|a| Api {
            name: a.name,
            methods: a
                .methods
                .iter()
                .map(|m| {
                    let sig = m.signature();
                    M {
                        name: m.name(),
                        inputs: sig.inputs.into_iter().map(|(name, ty)| In { name, ty }).collect(),
                        output: sig.output,
                        docs: sig.docs.to_vec(),
                    }
                })
                .collect(),
            docs: a.docs.to_vec(),
        })
        .collect()
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

/// Type paths that differ from the Rust module a type is defined in: `(defined at, published
/// as)`, matched on whole leading segments.
///
/// A derived `TypeInfo` takes its path from `module_path!()`, but a type path is part of the
/// chain's interface (clients and generated code such as `tao-client` name types by it), while the
/// file a type lives in is not. When the runtime's `mod.rs` was split by job, its types moved
/// into `outer`, `frame` and `validity` and `RuntimeVersion` into `api`; they are published where
/// they were before, so the metadata did not change. A path clients need in another shape is one
/// more row here, before any shorter prefix of it (the first match wins): cyscale (which
/// bittensor-cli and async-substrate-interface decode with) finds the outer call, event and
/// error enums only through its catch-all `*::RuntimeCall` / `*::RuntimeEvent`, which match
/// two-segment paths, so they are published as subtensor's runtime names them. Each pallet's own
/// `Call` / `Event` keeps its longer path, or the catch-all `*::Event` would take it for the
/// outer enum.
pub const PUBLISHED_PATHS: &[(&str, &str)] = &[
    ("tao_node::runtime::outer::RuntimeEvent", "node_subtensor_runtime::RuntimeEvent"),
    ("tao_node::runtime::outer::RuntimeCall", "node_subtensor_runtime::RuntimeCall"),
    ("tao_node::runtime::outer::RuntimeError", "node_subtensor_runtime::RuntimeError"),
    ("tao_node::runtime::outer", "tao_node::runtime"),
    ("tao_node::runtime::frame", "tao_node::runtime"),
    ("tao_node::runtime::validity", "tao_node::runtime"),
    ("tao_node::runtime::api::RuntimeVersion", "tao_node::runtime::metadata::RuntimeVersion"),
];

/// Rewrite every path in `types` that starts with a [`PUBLISHED_PATHS`] prefix.
fn publish_paths(types: &mut PortableRegistry) {
    for t in &mut types.types {
        let segments = &mut t.ty.path.segments;
        for (from, to) in PUBLISHED_PATHS {
            let from: Vec<&str> = from.split("::").collect();
            if segments.len() >= from.len()
                && segments.iter().zip(&from).all(|(s, f)| s.as_str() == *f)
            {
                let rest = segments.split_off(from.len());
                *segments = to.split("::").map(str::to_owned).chain(rest).collect();
                break;
            }
        }
    }
}

/// Build V14 metadata.
pub fn build_v14() -> RuntimeMetadataPrefixed {
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<OpaqueExtrinsic>(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(md: &RuntimeMetadataPrefixed) -> Vec<String> {
        let types = match &md.1 {
            RuntimeMetadata::V14(m) => &m.types,
            RuntimeMetadata::V15(m) => &m.types,
            _ => unreachable!("only V14 and V15 are built"),
        };
        types.types.iter().map(|t| t.ty.path.segments.join("::")).collect()
    }

    /// Types defined in the split-out files are published at their old paths, in both versions.
    /// (Every row publishes something in V15; V14 has no outer error enum, so not every row
    /// does there.)
    #[test]
    fn types_are_published_at_their_published_paths() {
        for md in [build_v14(), build_v15()] {
            let paths = paths(&md);
            for (from, to) in PUBLISHED_PATHS {
                assert!(
                    !paths.iter().any(|p| p == from || p.starts_with(&format!("{from}::"))),
                    "{from} leaked into the metadata"
                );
                assert!(
                    !is_v15(&md)
                        || paths.iter().any(|p| p == to || p.starts_with(&format!("{to}::"))),
                    "nothing published under {to}"
                );
            }
            for p in ["node_subtensor_runtime::RuntimeCall", "tao_node::runtime::Weight"] {
                assert!(paths.iter().any(|q| q == p), "{p} missing");
            }
        }
    }

    /// Every API of the table is declared in V15, methods in table order.
    #[test]
    fn v15_declares_the_api_table() {
        let RuntimeMetadata::V15(md) = build_v15().1 else { unreachable!("built as V15") };
        let declared: Vec<(String, Vec<String>)> = md
            .apis
            .iter()
            .map(|a| (a.name.clone(), a.methods.iter().map(|m| m.name.clone()).collect()))
            .collect();
        let table: Vec<(String, Vec<String>)> = api::APIS
            .iter()
            .map(|a| (a.name.to_owned(), a.methods.iter().map(|m| m.name().to_owned()).collect()))
            .collect();
        assert_eq!(declared, table);
    }
}
