//! Integration tests of `wtao-scoring`: engines against the reference and the golden vectors,
//! cheaters against the validator, weights against the bittensor SDK, and CUDA (compiled by
//! NVRTC where it is present, compared with the CPU where a GPU is).

mod cheaters;
mod cuda;
mod cuda_emu;
mod engines;
mod golden;
mod support;
mod weights_sdk;
