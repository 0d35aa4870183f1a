//! Option groups and value parsers shared by the commands, so every command spells them alike:
//! amounts with units, addresses (checked), endpoints (the devnet by default) and keys.

pub(crate) mod address;
pub(crate) mod amount;
pub(crate) mod endpoints;
pub(crate) mod keys;

pub(crate) use address::Account;
pub(crate) use endpoints::EndpointArgs;
pub(crate) use keys::KeyArgs;

/// A clap value parser for any type with `FromStr` whose error says what is accepted (the
/// scorer, the challenge profile, the benchmark engines): the error is the type's own message.
pub(crate) fn parsed<T>(text: &str) -> Result<T, String>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}
