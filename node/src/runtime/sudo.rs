//! Sudo (index 12): the devnet's root key, from the genesis config.
//!
//! `sudo(call)` dispatches `call` as root and reports its outcome in `Sudid` (the outer extrinsic
//! succeeds even when the inner call fails, as in `pallet_sudo`); a non-sudo signer gets
//! `Sudo::RequireSudo`.

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::DispatchError;
use crate::primitives::{AccountId32, MultiAddress};
use crate::storage::StorageValue;

use super::{DispatchResult, Ext, Origin, RuntimeCall, Weight, index};

/// `Sudo.Key`.
pub const KEY: StorageValue<AccountId32> = StorageValue::new("Sudo", "Key");

/// Sudo calls (indices as `pallet_sudo`).
#[allow(non_camel_case_types)]
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Dispatch `call` as root.
    #[codec(index = 0)]
    sudo {
        /// The call.
        call: Box<RuntimeCall>,
    },
    /// Dispatch `call` as root, ignoring weight.
    #[codec(index = 1)]
    sudo_unchecked_weight {
        /// The call.
        call: Box<RuntimeCall>,
        /// Ignored.
        weight: Weight,
    },
    /// Hand the key to `new`.
    #[codec(index = 2)]
    set_key {
        /// New key holder.
        new: MultiAddress,
    },
    /// Dispatch `call` signed by `who`.
    #[codec(index = 3)]
    sudo_as {
        /// Account to act as.
        who: MultiAddress,
        /// The call.
        call: Box<RuntimeCall>,
    },
    /// Remove the key for good.
    #[codec(index = 4)]
    remove_key,
}

/// Sudo events (indices as `pallet_sudo`).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A sudo call just took place.
    #[codec(index = 0)]
    Sudid {
        /// The inner call's result.
        sudo_result: Result<(), DispatchError>,
    },
    /// The sudo key has been updated.
    #[codec(index = 1)]
    KeyChanged {
        /// Old key.
        old: Option<AccountId32>,
        /// New key.
        new: AccountId32,
    },
    /// The key was permanently removed.
    #[codec(index = 2)]
    KeyRemoved,
    /// A `sudo_as` call just took place.
    #[codec(index = 3)]
    SudoAsDone {
        /// The inner call's result.
        sudo_result: Result<(), DispatchError>,
    },
}

impl From<Event> for super::RuntimeEvent {
    fn from(e: Event) -> Self {
        Self::Sudo(e)
    }
}

/// Sudo errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
#[repr(u8)]
pub enum Error {
    /// Sender must be the Sudo account.
    RequireSudo = 0,
}
super::module_error!(Error, index::SUDO);

fn ensure_sudo(ext: &mut Ext<'_>, origin: Origin) -> Result<AccountId32, DispatchError> {
    let who = origin.signed()?;
    match KEY.try_get(ext) {
        Some(k) if k == who => Ok(who),
        _ => Err(Error::RequireSudo.into()),
    }
}

fn run_inner(ext: &mut Ext<'_>, call: RuntimeCall, origin: Origin) -> DispatchResult {
    ext.transactional(|ext| call.dispatch(ext, origin))
}

/// Dispatch a Sudo call.
pub fn dispatch(ext: &mut Ext<'_>, origin: Origin, call: Call) -> DispatchResult {
    let who = ensure_sudo(ext, origin)?;
    match call {
        Call::sudo { call } | Call::sudo_unchecked_weight { call, .. } => {
            let sudo_result = run_inner(ext, *call, Origin::Root);
            ext.deposit_event(Event::Sudid { sudo_result });
        }
        Call::set_key { new } => {
            let new = new.account().ok_or(DispatchError::CannotLookup)?;
            KEY.put(ext, &new);
            ext.deposit_event(Event::KeyChanged { old: Some(who), new });
        }
        Call::sudo_as { who: target, call } => {
            let target = target.account().ok_or(DispatchError::CannotLookup)?;
            let sudo_result = run_inner(ext, *call, Origin::Signed(target));
            ext.deposit_event(Event::SudoAsDone { sudo_result });
        }
        Call::remove_key => {
            KEY.kill(ext);
            ext.deposit_event(Event::KeyRemoved);
        }
    }
    Ok(())
}
