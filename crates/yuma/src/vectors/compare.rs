//! Comparing computed values with the JSON's expected values.

use serde_json::Value;

use super::json;
use crate::fixed::I32F32;

/// A computed result, in the shape the vector file writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Got {
    /// One raw I32F32.
    Bits(I32F32),
    /// Raw I32F32 list.
    BitsVec(Vec<I32F32>),
    /// Dense raw matrix.
    Dense(Vec<Vec<I32F32>>),
    /// Sparse raw matrix.
    Sparse(Vec<Vec<(u16, I32F32)>>),
    /// One u16.
    U16(u16),
    /// u16 list.
    U16s(Vec<u16>),
    /// u64 list.
    U64s(Vec<u64>),
    /// Bool list.
    Bools(Vec<bool>),
    /// Stored (u16) sparse matrix.
    U16Sparse(Vec<Vec<(u16, u16)>>),
    /// One u64.
    U64(u64),
}

fn within(a: I32F32, b: I32F32, tolerance: u128) -> bool {
    u128::from(a.to_bits().abs_diff(b.to_bits())) <= tolerance
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 160 { format!("{}…", s.get(..160).unwrap_or("")) } else { s }
}

fn shape_error(what: &str, expected: &Value) -> String {
    format!("expected value is not {what}: {}", short(expected))
}

/// Checks `got` against `expected`; raw-bit values may differ by `tolerance` (sparse column
/// indices must match exactly, as upstream's sparse comparisons require).
pub(crate) fn check(got: &Got, expected: &Value, tolerance: u128) -> Result<(), String> {
    let mismatch = |g: &dyn core::fmt::Debug| {
        Err(format!("expected {}, got {}", short(expected), short_debug(g)))
    };
    match got {
        Got::Bits(g) => {
            let e = json::bits(expected).ok_or_else(|| shape_error("raw bits", expected))?;
            if within(*g, e, tolerance) { Ok(()) } else { mismatch(&g.to_bits()) }
        }
        Got::BitsVec(g) => {
            let e = json::bits_vec(expected).ok_or_else(|| shape_error("a bits list", expected))?;
            if e.len() == g.len() && g.iter().zip(&e).all(|(a, b)| within(*a, *b, tolerance)) {
                Ok(())
            } else {
                mismatch(&bits_of(g))
            }
        }
        Got::Dense(g) => {
            let e = json::bits_dense(expected)
                .ok_or_else(|| shape_error("a dense matrix", expected))?;
            let ok = e.len() == g.len()
                && g.iter().zip(&e).all(|(gr, er)| {
                    gr.len() == er.len()
                        && gr.iter().zip(er).all(|(a, b)| within(*a, *b, tolerance))
                });
            if ok { Ok(()) } else { mismatch(&g.iter().map(|r| bits_of(r)).collect::<Vec<_>>()) }
        }
        Got::Sparse(g) => {
            let e = json::bits_sparse(expected)
                .ok_or_else(|| shape_error("a sparse matrix", expected))?;
            let ok = e.len() == g.len()
                && g.iter().zip(&e).all(|(gr, er)| {
                    gr.len() == er.len()
                        && gr
                            .iter()
                            .zip(er)
                            .all(|((gj, gv), (ej, ev))| gj == ej && within(*gv, *ev, tolerance))
                });
            if ok {
                Ok(())
            } else {
                mismatch(
                    &g.iter()
                        .map(|r| r.iter().map(|(j, v)| (*j, v.to_bits())).collect::<Vec<_>>())
                        .collect::<Vec<_>>(),
                )
            }
        }
        Got::U16(g) => {
            let e = expected.as_u64().ok_or_else(|| shape_error("an integer", expected))?;
            if u64::from(*g) == e { Ok(()) } else { mismatch(g) }
        }
        Got::U64(g) => {
            let e = expected.as_u64().ok_or_else(|| shape_error("an integer", expected))?;
            if *g == e { Ok(()) } else { mismatch(g) }
        }
        Got::U16s(g) => {
            let e = json::u16_vec(expected).ok_or_else(|| shape_error("a u16 list", expected))?;
            if *g == e { Ok(()) } else { mismatch(g) }
        }
        Got::U64s(g) => {
            let e = json::u64_vec(expected).ok_or_else(|| shape_error("a u64 list", expected))?;
            if *g == e { Ok(()) } else { mismatch(g) }
        }
        Got::Bools(g) => {
            let e = json::bool_vec(expected).ok_or_else(|| shape_error("a bool list", expected))?;
            if *g == e { Ok(()) } else { mismatch(g) }
        }
        Got::U16Sparse(g) => {
            let e =
                json::u16_sparse(expected).ok_or_else(|| shape_error("stored rows", expected))?;
            if *g == e { Ok(()) } else { mismatch(g) }
        }
    }
}

fn bits_of(v: &[I32F32]) -> Vec<i64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn short_debug(v: &dyn core::fmt::Debug) -> String {
    let s = format!("{v:?}");
    if s.len() > 160 { format!("{}…", s.get(..160).unwrap_or("")) } else { s }
}
