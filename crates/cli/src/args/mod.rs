//! Option groups and value parsers shared by the commands, so every command spells them alike:
//! amounts with units, addresses (checked), endpoints (the devnet by default) and keys.

pub(crate) mod address;
pub(crate) mod amount;
pub(crate) mod endpoints;
pub(crate) mod keys;

pub(crate) use address::Account;
pub(crate) use endpoints::EndpointArgs;
pub(crate) use keys::KeyArgs;
