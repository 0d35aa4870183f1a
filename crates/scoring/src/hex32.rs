//! Serde helpers: 32-byte values as `0x`-prefixed hex strings, so proofs and commitments read
//! well in JSON (the miner's HTTP answers, test vectors).

use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

/// Writes `0x` + 64 lowercase hex digits.
pub(crate) fn encode(bytes: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Reads 64 hex digits, with or without `0x`.
pub(crate) fn decode(s: &str) -> Result<[u8; 32], String> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out)
        .map_err(|e| format!("`{s}` is not 32 bytes of hex: {e}"))?;
    Ok(out)
}

/// `#[serde(with = "hex32")]` for `[u8; 32]`.
pub(crate) fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&encode(bytes))
}

/// `#[serde(with = "hex32")]` for `[u8; 32]`.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
    let s = String::deserialize(d)?;
    decode(&s).map_err(D::Error::custom)
}

/// `#[serde(with = "hex32::vec")]` for `Vec<[u8; 32]>`.
pub(crate) mod vec {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::SerializeSeq};

    pub(crate) fn serialize<S: Serializer>(v: &[[u8; 32]], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for bytes in v {
            seq.serialize_element(&super::encode(bytes))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| super::decode(s).map_err(D::Error::custom))
            .collect()
    }
}
