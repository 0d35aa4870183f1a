//! State access for the runtime: a read-only backend and a layered write overlay.
//!
//! The runtime never touches sled directly; it reads through [`StateRead`] (sled at some block in
//! the node, a `BTreeMap` in tests) and writes into an [`Overlay`]. Each transactional step
//! (one dispatch) pushes a layer that is merged on success and dropped on failure, which is how a
//! failed call leaves no trace except its fee and nonce. Backend I/O errors cannot be handled by a
//! pallet, so the overlay latches the first one; block production checks [`Overlay::fatal`] and
//! abandons the block instead of committing state computed from a failed read.

use std::collections::BTreeMap;

/// A state change set: key → new value (`None` = deleted).
pub type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Why the backend could not answer.
#[derive(Debug, Clone, thiserror::Error)]
#[error("state backend: {0}")]
pub struct StateError(pub String);

/// Read access to the state of one block.
pub trait StateRead: Send + Sync {
    /// The value stored under `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
}

impl StateRead for BTreeMap<Vec<u8>, Vec<u8>> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(BTreeMap::get(self, key).cloned())
    }
}

/// Layered writes over a backend.
pub struct Overlay<'a> {
    backend: &'a dyn StateRead,
    layers: Vec<Changes>,
    fatal: Option<StateError>,
}

impl<'a> Overlay<'a> {
    /// A fresh overlay with one (base) layer.
    pub fn new(backend: &'a dyn StateRead) -> Self {
        Self { backend, layers: vec![Changes::new()], fatal: None }
    }

    /// Read through the layers, newest first, then the backend; a backend error is latched
    /// (see [`Self::fatal`]) and reads as absent.
    pub fn get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        for layer in self.layers.iter().rev() {
            if let Some(v) = layer.get(key) {
                return v.clone();
            }
        }
        match self.backend.get(key) {
            Ok(v) => v,
            Err(e) => {
                self.note_fatal(e);
                None
            }
        }
    }

    /// Write (or with `None`, delete) `key` in the top layer.
    pub fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        if let Some(top) = self.layers.last_mut() {
            top.insert(key, value);
        }
    }

    /// Remember that the state could not be read or decoded; the block must be abandoned.
    pub fn note_fatal(&mut self, e: StateError) {
        if self.fatal.is_none() {
            self.fatal = Some(e);
        }
    }

    /// The first backend or decoding failure seen, if any.
    pub fn fatal(&self) -> Option<&StateError> {
        self.fatal.as_ref()
    }

    /// Open a nested transactional layer.
    pub fn start(&mut self) {
        self.layers.push(Changes::new());
    }

    /// Merge the top layer into the one below it.
    pub fn commit(&mut self) {
        if self.layers.len() < 2 {
            return;
        }
        if let Some(top) = self.layers.pop()
            && let Some(below) = self.layers.last_mut()
        {
            below.extend(top);
        }
    }

    /// Drop the top layer.
    pub fn rollback(&mut self) {
        if self.layers.len() >= 2 {
            self.layers.pop();
        }
    }

    /// All committed changes (open layers are merged first).
    pub fn into_changes(mut self) -> Changes {
        while self.layers.len() > 1 {
            self.commit();
        }
        self.layers.pop().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_commit_and_rollback() {
        let mut base = BTreeMap::new();
        base.insert(b"a".to_vec(), b"1".to_vec());
        let mut o = Overlay::new(&base);
        o.start();
        o.set(b"a".to_vec(), Some(b"2".to_vec()));
        assert_eq!(o.get(b"a"), Some(b"2".to_vec()));
        o.rollback();
        assert_eq!(o.get(b"a"), Some(b"1".to_vec()));
        o.start();
        o.set(b"a".to_vec(), None);
        o.commit();
        assert_eq!(o.get(b"a"), None);
        let ch = o.into_changes();
        assert_eq!(ch.get(b"a".as_slice()), Some(&None));
    }
}
