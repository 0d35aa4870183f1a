//! Compressed sparse rows: the production epoch's matrix layout (one allocation per matrix
//! instead of one per row, rows contiguous).

use std::cell::RefCell;

use crate::fixed::I32F32;
use crate::math::sparse::SparseMatrix;

/// A sparse matrix in compressed-row form. Row `i` is `cols[ptr[i]..ptr[i+1]]` with values
/// `vals[..]` in the same order as the source rows (order matters to several upstream
/// operations, so it is never changed implicitly). Values are I32F32 by default; stored bonds
/// are kept as their u16 source.
#[derive(Clone, Debug, Default)]
pub(crate) struct Csr<T = I32F32> {
    ptr: Vec<usize>,
    cols: Vec<u16>,
    vals: Vec<T>,
}

impl<T: Copy> Csr<T> {
    /// An empty matrix with room for `rows` rows and `nnz` entries.
    pub(crate) fn with_capacity(rows: usize, nnz: usize) -> Self {
        let mut ptr = Vec::with_capacity(rows.saturating_add(1));
        ptr.push(0);
        Self { ptr, cols: Vec::with_capacity(nnz), vals: Vec::with_capacity(nnz) }
    }

    /// Appends an entry to the row being built.
    #[inline]
    pub(crate) fn push(&mut self, col: u16, val: T) {
        self.cols.push(col);
        self.vals.push(val);
    }

    /// Closes the row being built.
    #[inline]
    pub(crate) fn end_row(&mut self) {
        self.ptr.push(self.cols.len());
    }

    /// Zero-filled room for `len` more entries of the row being built, to be written in place
    /// and then cut down to the written count with [`Csr::truncate_row`].
    #[inline]
    pub(crate) fn open_slots(&mut self, len: usize, zero: T) -> (&mut [u16], &mut [T]) {
        let start = self.cols.len();
        let end = start.saturating_add(len);
        self.cols.resize(end, 0);
        self.vals.resize(end, zero);
        (
            self.cols.get_mut(start..).unwrap_or(&mut []),
            self.vals.get_mut(start..).unwrap_or(&mut []),
        )
    }

    /// Keeps the first `len` entries of the row being built.
    #[inline]
    pub(crate) fn truncate_row(&mut self, len: usize) {
        let start = self.ptr.last().copied().unwrap_or(0);
        let end = start.saturating_add(len);
        self.cols.truncate(end);
        self.vals.truncate(end);
    }

    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.ptr.len().saturating_sub(1)
    }

    /// Number of stored entries.
    pub(crate) fn nnz(&self) -> usize {
        self.cols.len()
    }

    /// Entry range of row `i` in [`Csr::entries`] (empty for rows that do not exist).
    #[inline]
    pub(crate) fn range(&self, i: usize) -> core::ops::Range<usize> {
        let start = self.ptr.get(i).copied().unwrap_or(0);
        let end = self.ptr.get(i.saturating_add(1)).copied().unwrap_or(start);
        start..end
    }

    /// Columns and values of row `i`.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> (&[u16], &[T]) {
        let r = self.range(i);
        (self.cols.get(r.clone()).unwrap_or(&[]), self.vals.get(r).unwrap_or(&[]))
    }

    /// Columns and values of the row being built (entries since the last `end_row`).
    pub(crate) fn open_row_mut(&mut self) -> (&[u16], &mut [T]) {
        let start = self.ptr.last().copied().unwrap_or(0);
        (self.cols.get(start..).unwrap_or(&[]), self.vals.get_mut(start..).unwrap_or(&mut []))
    }

    /// All entries (columns, values) regardless of row.
    pub(crate) fn entries(&self) -> (&[u16], &[T]) {
        (&self.cols, &self.vals)
    }

    /// Rows as the literal `Vec<Vec<(u16, value)>>` form, values mapped by `f`.
    pub(crate) fn to_rows<U>(&self, f: impl Fn(T) -> U) -> Vec<Vec<(u16, U)>> {
        (0..self.rows())
            .map(|i| {
                let (c, v) = self.row(i);
                c.iter().copied().zip(v.iter().map(|x| f(*x))).collect()
            })
            .collect()
    }
}

/// Buffers of a finished matrix, kept for the next one (see [`Csr::recycled`]).
type Parts = (Vec<usize>, Vec<u16>, Vec<I32F32>);

/// At most this many matrices' buffers are kept per thread (the weights and the EMA).
const MAX_SPARE: usize = 2;

thread_local! {
    static SPARE: RefCell<Vec<Parts>> = const { RefCell::new(Vec::new()) };
}

impl Csr<I32F32> {
    /// [`Csr::with_capacity`], reusing the buffers of a matrix this thread recycled earlier.
    ///
    /// The epoch's large matrices (about 10 bytes per weight) are allocated anew on every call;
    /// fresh pages cost a page fault each, which for big subnets took a third of the epoch's
    /// time. Reusing them keeps at most [`MAX_SPARE`] matrices' memory per thread between epochs.
    pub(crate) fn recycled(rows: usize, nnz: usize) -> Self {
        let spare = SPARE.try_with(|s| s.try_borrow_mut().ok()?.pop()).ok().flatten();
        let Some((mut ptr, mut cols, mut vals)) = spare else {
            return Self::with_capacity(rows, nnz);
        };
        ptr.clear();
        cols.clear();
        vals.clear();
        ptr.reserve(rows.saturating_add(1));
        ptr.push(0);
        cols.reserve(nnz);
        vals.reserve(nnz);
        Self { ptr, cols, vals }
    }

    /// Hands the buffers back for [`Csr::recycled`] (dropped if enough are kept already).
    pub(crate) fn recycle(self) {
        let parts = (self.ptr, self.cols, self.vals);
        let _ = SPARE.try_with(|s| {
            if let Ok(mut spare) = s.try_borrow_mut()
                && spare.len() < MAX_SPARE
            {
                spare.push(parts);
            }
        });
    }

    /// Rows as the literal `Vec<Vec<(u16, I32F32)>>` form (for traces).
    pub(crate) fn to_sparse(&self) -> SparseMatrix {
        self.to_rows(|v| v)
    }
}
