//! [`Secret`]: a string that is never printed and is wiped from memory when dropped.
//!
//! The keystore password is the relayer's only secret held as text (the keys themselves live in
//! alloy's and subxt's signer types, whose `Debug` prints the public side only). Every path that
//! carries it — the environment, a password file, a prompt — produces a `Secret`, so `{:?}` on a
//! config, a log field or an error can never show it.

use zeroize::Zeroize;

/// A secret string: `Debug` and `Display` print `[redacted]`; the bytes are zeroed on drop.
///
/// Read it with [`Secret::expose`], at the one place that needs the clear text (decrypting or
/// writing a keystore).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The clear text. Keep the borrow short and never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (refused as a keystore password).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("hunter2");
        assert_eq!(s.expose(), "hunter2");
        for shown in
            [format!("{s}"), format!("{s:?}"), format!("{s:#?}"), format!("{:?}", Some(&s))]
        {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }
}
