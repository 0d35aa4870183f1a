//! [`Ext`]: what the runtime writes while executing — the state overlay, this block's events, and
//! the transactional layers that roll both back when a call fails.
//!
//! Storage items read and write through it ([`StorageAccess`]), so a pallet function takes one
//! `&mut Ext<'_>` for everything.

use crate::primitives::BlockNumber;
use crate::state::{Overlay, StateError, StateRead};
use crate::storage::StorageAccess;

use super::{EventRecord, Phase, RuntimeEvent};

/// Everything the runtime writes while executing: the state overlay and this block's events.
pub struct Ext<'a> {
    /// State writes.
    pub overlay: Overlay<'a>,
    events: Vec<EventRecord>,
    /// Event counts at each open transactional layer (events past the mark go on rollback).
    event_marks: Vec<usize>,
    phase: Phase,
    block_number: BlockNumber,
}

impl<'a> Ext<'a> {
    /// A fresh context over `backend`.
    pub fn new(backend: &'a dyn StateRead) -> Self {
        Self {
            overlay: Overlay::new(backend),
            events: Vec::new(),
            event_marks: Vec::new(),
            phase: Phase::Initialization,
            block_number: 0,
        }
    }

    /// The block being built.
    pub fn block_number(&self) -> BlockNumber {
        self.block_number
    }

    /// Record an event in the current phase.
    pub fn deposit_event(&mut self, event: impl Into<RuntimeEvent>) {
        self.events.push(EventRecord { phase: self.phase, event: event.into(), topics: vec![] });
    }

    /// Events so far.
    pub fn events(&self) -> &[EventRecord] {
        &self.events
    }

    /// Start block `number`: clear the events, enter [`Phase::Initialization`].
    pub(super) fn begin_block(&mut self, number: BlockNumber) {
        self.block_number = number;
        self.phase = Phase::Initialization;
        self.events.clear();
    }

    /// Events from now on are recorded in `phase`.
    pub(super) fn set_phase(&mut self, phase: Phase) {
        self.phase = phase;
    }

    /// Move the events out (to store them without a copy); [`Self::restore_events`] puts them
    /// back.
    pub(super) fn take_events(&mut self) -> Vec<EventRecord> {
        std::mem::take(&mut self.events)
    }

    /// Put back what [`Self::take_events`] took.
    pub(super) fn restore_events(&mut self, events: Vec<EventRecord>) {
        self.events = events;
    }

    /// Run `f` in a transactional layer: its writes and events are kept only if it succeeds.
    pub fn transactional<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        self.overlay.start();
        self.event_marks.push(self.events.len());
        let r = f(self);
        let mark = self.event_marks.pop().unwrap_or(self.events.len());
        match r {
            Ok(v) => {
                self.overlay.commit();
                Ok(v)
            }
            Err(e) => {
                self.overlay.rollback();
                self.events.truncate(mark);
                Err(e)
            }
        }
    }
}

impl StorageAccess for Ext<'_> {
    fn get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        self.overlay.get(key)
    }
    fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        self.overlay.set(key, value);
    }
    fn note_fatal(&mut self, e: StateError) {
        self.overlay.note_fatal(e);
    }
}
