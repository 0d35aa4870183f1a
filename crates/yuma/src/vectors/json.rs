//! Typed reads from the vector file's JSON.

use serde_json::Value;

use crate::fixed::I32F32;

/// An integer (signed or unsigned) as `i128`.
pub(crate) fn int(v: &Value) -> Option<i128> {
    v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from))
}

/// A `u64`.
pub(crate) fn uint(v: &Value) -> Option<u64> {
    v.as_u64()
}

/// Raw I32F32 bits.
pub(crate) fn bits(v: &Value) -> Option<I32F32> {
    v.as_i64().map(I32F32::from_bits)
}

/// A list mapped element-wise; `None` if not a list or any element fails.
pub(crate) fn list<T>(v: &Value, f: impl Fn(&Value) -> Option<T>) -> Option<Vec<T>> {
    v.as_array()?.iter().map(f).collect()
}

/// List of raw I32F32 bits.
pub(crate) fn bits_vec(v: &Value) -> Option<Vec<I32F32>> {
    list(v, bits)
}

/// Dense matrix of raw bits.
pub(crate) fn bits_dense(v: &Value) -> Option<Vec<Vec<I32F32>>> {
    list(v, bits_vec)
}

/// One `[column, value]` pair.
fn pair<T>(v: &Value, f: &impl Fn(&Value) -> Option<T>) -> Option<(u16, T)> {
    match v.as_array()?.as_slice() {
        [j, x] => Some((u16::try_from(j.as_u64()?).ok()?, f(x)?)),
        _ => None,
    }
}

/// Sparse matrix: rows of `[column, value]`.
pub(crate) fn sparse<T>(v: &Value, f: impl Fn(&Value) -> Option<T>) -> Option<Vec<Vec<(u16, T)>>> {
    list(v, |row| list(row, |p| pair(p, &f)))
}

/// Sparse matrix of raw bits.
pub(crate) fn bits_sparse(v: &Value) -> Option<Vec<Vec<(u16, I32F32)>>> {
    sparse(v, bits)
}

/// Sparse matrix of u16 (stored weights/bonds).
pub(crate) fn u16_sparse(v: &Value) -> Option<Vec<Vec<(u16, u16)>>> {
    sparse(v, |x| u16::try_from(x.as_u64()?).ok())
}

/// List of u16.
pub(crate) fn u16_vec(v: &Value) -> Option<Vec<u16>> {
    list(v, |x| u16::try_from(x.as_u64()?).ok())
}

/// List of u64.
pub(crate) fn u64_vec(v: &Value) -> Option<Vec<u64>> {
    list(v, uint)
}

/// List of bools.
pub(crate) fn bool_vec(v: &Value) -> Option<Vec<bool>> {
    list(v, Value::as_bool)
}

/// Whether a JSON matrix is in sparse form (rows of `[j, v]` pairs) rather than dense.
pub(crate) fn looks_sparse(v: &Value) -> bool {
    v.as_array().is_some_and(|rows| {
        rows.iter().any(|r| r.as_array().is_some_and(|r| r.first().is_some_and(Value::is_array)))
            || rows.iter().all(|r| r.as_array().is_some_and(Vec::is_empty))
    })
}
