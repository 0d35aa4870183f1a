//! The primitives of subtensor's `pallets/subtensor/src/epoch/math.rs`, described in words and
//! re-implemented on [`crate::fixed`] types (no upstream code is reproduced).
//!
//! They are the reference semantics: the dense epoch is built from them directly, the literal
//! sparse epoch ([`crate::epoch_reference`]) too, and the optimised production epoch is checked
//! against both.

pub mod dense;
pub mod liquid_alpha;
pub mod median;
pub mod sparse;
pub mod vector;
