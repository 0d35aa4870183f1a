//! FRAME's dispatch and event bookkeeping types, mirrored field for field: clients decode
//! `System.Events` and `ExtrinsicSuccess`/`ExtrinsicFailed` by these shapes.
//!
//! Their metadata type paths stay `tao_node::runtime::*` (see [`super::metadata`]'s published
//! paths): moving them into this file changed no byte of the metadata.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::primitives::H256;

use super::RuntimeEvent;

/// `sp_weights::Weight` (v2).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct Weight {
    /// Computation time.
    #[codec(compact)]
    pub ref_time: u64,
    /// Proof size.
    #[codec(compact)]
    pub proof_size: u64,
}

/// `frame_support::dispatch::DispatchClass`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum DispatchClass {
    /// Normal.
    Normal,
    /// Operational.
    Operational,
    /// Mandatory.
    Mandatory,
}

/// `frame_support::dispatch::Pays`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Pays {
    /// Pays fees.
    Yes,
    /// Does not.
    No,
}

/// `frame_system::DispatchEventInfo`, carried by `ExtrinsicSuccess`/`ExtrinsicFailed`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct DispatchEventInfo {
    /// Weight.
    pub weight: Weight,
    /// Class.
    pub class: DispatchClass,
    /// Whether it paid fees.
    pub pays_fee: Pays,
}

/// `frame_system::Phase`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Phase {
    /// While applying extrinsic `n`.
    ApplyExtrinsic(u32),
    /// While finalizing the block.
    Finalization,
    /// While initializing the block.
    Initialization,
}

/// `frame_system::EventRecord<RuntimeEvent, H256>`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct EventRecord {
    /// When it happened.
    pub phase: Phase,
    /// What happened.
    pub event: RuntimeEvent,
    /// Indexed topics.
    pub topics: Vec<H256>,
}

/// Written out to carry FRAME's path and type parameters: polkadot.js finds the runtime's event
/// type only through the `E` parameter of a type at path `frame_system::EventRecord`.
impl TypeInfo for EventRecord {
    type Identity = Self;
    fn type_info() -> scale_info::Type {
        use scale_info::{Path, TypeParameter, build::Fields, meta_type};
        scale_info::Type::builder()
            .path(Path::new("EventRecord", "frame_system"))
            .type_params(vec![
                TypeParameter::new("E", Some(meta_type::<RuntimeEvent>())),
                TypeParameter::new("T", Some(meta_type::<H256>())),
            ])
            .composite(
                Fields::named()
                    .field(|f| f.ty::<Phase>().name("phase").type_name("Phase"))
                    .field(|f| f.ty::<RuntimeEvent>().name("event").type_name("E"))
                    .field(|f| f.ty::<Vec<H256>>().name("topics").type_name("Vec<T>")),
            )
    }
}
