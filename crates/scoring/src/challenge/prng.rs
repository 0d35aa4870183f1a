//! The arithmetic every engine must reproduce bit for bit: the counter PRNG that fills A and B,
//! and the tile digest. All of it is wrapping u64 arithmetic, so a CUDA thread, a SIMD lane and
//! this plain code agree without exchanging any state.

/// SplitMix64's increment (⌊2^64/φ⌋, odd).
pub const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (Stafford's "Mix13" variant of MurmurHash3's finaliser).
#[inline]
pub const fn splitmix_mix(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Word `w` of the stream seeded by `seed`: exactly the `w`-th output (from 0) of a SplitMix64
/// generator whose state starts at `seed`, computed without state, so any thread can produce any
/// word: `mix(seed + (w + 1)·γ)`.
#[inline]
pub const fn prng_word(seed: u64, w: u64) -> u64 {
    splitmix_mix(seed.wrapping_add(w.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
}

/// Element `idx` of the i8 stream seeded by `seed`: byte `idx mod 8` (little-endian) of word
/// `idx / 8`.
#[inline]
pub const fn prng_i8(seed: u64, idx: u64) -> i8 {
    (prng_word(seed, idx >> 3) >> (idx & 7).wrapping_mul(8)) as u8 as i8
}

/// MurmurHash3's 64-bit finaliser: a bijection whose every output bit depends on every input bit.
#[inline]
pub const fn fmix64(k: u64) -> u64 {
    let k = (k ^ (k >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    let k = (k ^ (k >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// One output element's share of a tile digest:
/// `fmix64(key ⊕ ((r·N + n) << 32) ⊕ (c as u32))`, with `r` the row inside the tile.
///
/// The digest is the wrapping sum of this over the tile. A sum is order-independent (atomics on
/// a GPU, any SIMD split on a CPU give the same bits), and `fmix64` makes it nonlinear in C: a
/// linear digest Σ wᵢⱼ·cᵢⱼ would equal A·(B·w) and could be computed without C at all
/// (Freivalds), which would let a miner skip the work the digest is meant to prove.
#[inline]
pub const fn digest_term(key: u64, position: u64, c: i32) -> u64 {
    fmix64(key ^ (position << 32) ^ (c as u32 as u64))
}

/// Element `A[r][k]` of a tile: row `tile·R + r` of the miner's A, `A[g][k] = prng_i8(a_seed, g·K + k)`
/// (index arithmetic wrapping in u64, as on every engine).
#[inline]
pub const fn a_elem(a_seed: u64, k_dim: u32, rows_per_tile: u32, tile: u64, r: u32, k: u32) -> i8 {
    let g = tile.wrapping_mul(rows_per_tile as u64).wrapping_add(r as u64);
    prng_i8(a_seed, g.wrapping_mul(k_dim as u64).wrapping_add(k as u64))
}

/// Element `B[k][n]` of the epoch's shared B: `prng_i8(b_seed, k·N + n)`.
#[inline]
pub const fn b_elem(b_seed: u64, n_dim: u32, k: u32, n: u32) -> i8 {
    prng_i8(b_seed, (k as u64).wrapping_mul(n_dim as u64).wrapping_add(n as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A textbook stateful SplitMix64, to show `prng_word` is exactly its stream.
    struct SplitMix64(u64);
    impl SplitMix64 {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
            splitmix_mix(self.0)
        }
    }

    #[test]
    fn prng_word_is_the_splitmix64_stream() {
        // The first output of SplitMix64 seeded with 0, as published with the reference code.
        assert_eq!(prng_word(0, 0), 0xE220_A839_7B1D_CDAF);
        for seed in [0, 1, 0xdead_beef, u64::MAX] {
            let mut g = SplitMix64(seed);
            for w in 0..100 {
                assert_eq!(prng_word(seed, w), g.next(), "seed {seed:#x} word {w}");
            }
        }
    }

    #[test]
    fn prng_i8_takes_bytes_little_endian() {
        let seed = 42;
        for w in 0..4u64 {
            let bytes = prng_word(seed, w).to_le_bytes();
            for (j, b) in bytes.iter().enumerate() {
                assert_eq!(prng_i8(seed, w * 8 + j as u64), *b as i8);
            }
        }
    }

    #[test]
    fn digest_term_uses_c_as_u32_and_position_in_the_high_half() {
        let key = 0x0123_4567_89ab_cdef;
        assert_eq!(digest_term(key, 0, -1), fmix64(key ^ 0xffff_ffff));
        assert_eq!(digest_term(key, 3, 5), fmix64(key ^ (3 << 32) ^ 5));
        assert_ne!(digest_term(key, 1, 0), digest_term(key, 0, 1));
    }
}
