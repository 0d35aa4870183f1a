//! Integration tests of `yuma` (one binary).
//!
//! * `vectors`: every case of `tests/vectors/vectors.json` (math primitives, epoch sequences).
//! * `fixed_equivalence`: our fixed-point operations against `substrate_fixed` itself.
//! * `fast_paths`: reciprocal division and the closed-form median against the plain operations.
//! * `epoch_equivalence`: the optimised epoch against the literal transcription.
//! * `properties`: normalisation, no panics up to n = 4096, determinism.

mod epoch_equivalence;
mod fast_paths;
mod fixed_equivalence;
mod properties;
mod support;
mod vectors;
