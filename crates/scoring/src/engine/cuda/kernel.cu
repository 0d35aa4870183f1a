// wtao-gemm-v1 tile digests on the GPU (compiled at run time by NVRTC; see engine/cuda/mod.rs).
//
// The function computed is defined in src/challenge/prng.rs; this file must match it bit for bit:
//   word(seed, w)   = splitmix_mix(seed + (w + 1) * GOLDEN)          (wrapping u64)
//   elem(seed, i)   = (int8) byte (i % 8) of word(seed, i / 8)        (little-endian)
//   A[g][k]         = elem(a_seed, g*K + k),  g = tile*R + r           (wrapping u64)
//   B[k][n]         = elem(b_seed, k*N + n)
//   digest(tile)    = sum over r < R, n < N of fmix64(key ^ ((r*N + n) << 32) ^ (u32)C[r][n])
//
// Two kernels:
//   wtao_pack_b: B once per epoch into Bp[K4][NP] (int32 = 4 consecutive k of one column,
//                k in the low byte, zero-padded), the layout __dp4a consumes.
//   wtao_tiles:  one block per (128-column block, 128-row block, job). A is generated from the
//                job's seed straight into shared memory, K is walked in steps of 32 bytes, each
//                thread owns an 8x8 block of C in registers (__dp4a: four int8 products added to
//                an int32), and the epilogue hashes its 64 outputs, reduces over the warp and
//                adds one u64 per warp to the job's digest with atomicAdd. C is never stored.
//                A sum is order-free, so the atomics give the same bits on every run and GPU.

typedef unsigned long long u64;
typedef unsigned int u32;

#define GOLDEN 0x9E3779B97F4A7C15ULL

#define BM 128          // rows of C per block
#define BN 128          // columns of C per block
#define BK 32           // k (bytes) per shared-memory stage
#define KW (BK / 4)     // packed int32 words per stage
#define TM 8            // rows per thread
#define TN 8            // columns per thread
#define THREADS 256     // (BM / TM) * (BN / TN)

__device__ __forceinline__ u64 splitmix_mix(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ u64 prng_word(u64 seed, u64 w) {
    return splitmix_mix(seed + (w + 1ULL) * GOLDEN);
}

__device__ __forceinline__ u64 fmix64(u64 k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

// Stream bytes idx .. idx+7 of `seed`, byte idx in the low byte. One PRNG word when idx is a
// multiple of 8 (always, when K is a multiple of 8), two otherwise.
__device__ __forceinline__ u64 stream8(u64 seed, u64 idx) {
    u64 w = idx >> 3;
    u32 sh = (u32)(idx & 7ULL) * 8u;
    u64 lo = prng_word(seed, w);
    if (sh == 0u) return lo;
    u64 hi = prng_word(seed, w + 1ULL);
    return (lo >> sh) | (hi << (64u - sh));
}

// Keep the low `valid` bytes of x (valid >= 8 keeps all, valid <= 0 none).
__device__ __forceinline__ u64 keep_bytes(u64 x, int valid) {
    if (valid >= 8) return x;
    if (valid <= 0) return 0ULL;
    return x & ((1ULL << (8 * valid)) - 1ULL);
}

extern "C" __global__ void wtao_pack_b(
    u64 b_seed, u32 K, u32 N, u32 k4_count, u32 np, int* __restrict__ bp)
{
    u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (u64)k4_count * np) return;
    u32 k4 = (u32)(i / np);
    u32 n = (u32)(i % np);
    u32 packed = 0u;
    if (n < N) {
        for (u32 j = 0; j < 4u; ++j) {
            u32 k = k4 * 4u + j;
            if (k < K) {
                u64 idx = (u64)k * N + n;
                u32 byte = (u32)(prng_word(b_seed, idx >> 3) >> ((idx & 7ULL) * 8ULL)) & 0xffu;
                packed |= byte << (8u * j);
            }
        }
    }
    bp[i] = (int)packed;
}

// jobs: 3 u64 per job (a_seed, digest_key, tile). out: one u64 per job, zeroed by the caller.
// Grid: (NP / BN, ceil(R / BM), jobs in this launch). Bp: KP/4 rows of NP int32.
extern "C" __global__ void __launch_bounds__(THREADS) wtao_tiles(
    const u64* __restrict__ jobs, u64* __restrict__ out, const int* __restrict__ bp,
    u32 K, u32 N, u32 R, u32 np, u32 kp)
{
    __shared__ int As[KW][BM];
    __shared__ __align__(16) int Bs[KW][BN];

    const u32 tid = threadIdx.x;
    const u32 tx = tid % 16u;          // column lane: columns tx + 16*j
    const u32 ty = tid / 16u;          // row lane: rows ty + 16*i
    const u32 col0 = blockIdx.x * BN;
    const u32 row0 = blockIdx.y * BM;  // first tile-local row of this block
    const u32 job = blockIdx.z;

    const u64 a_seed = jobs[3 * job + 0];
    const u64 key = jobs[3 * job + 1];
    const u64 tile = jobs[3 * job + 2];

    int acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = 0;

    for (u32 kb = 0; kb < kp; kb += BK) {
        // A: BM rows x BK bytes = 512 runs of 8 bytes; thread handles runs tid and tid + 256.
        // Consecutive threads take consecutive rows, so the shared stores do not conflict.
#pragma unroll
        for (u32 q = 0; q < 2u; ++q) {
            const u32 run = tid + q * THREADS;
            const u32 row = run % BM;
            const u32 kpair = run / BM;          // 0..3: bytes kpair*8 .. kpair*8+7 of the stage
            const u32 k = kb + kpair * 8u;
            const u32 r = row0 + row;
            u64 bytes = 0ULL;
            if (r < R && k < K) {
                const u64 g = tile * (u64)R + (u64)r;
                bytes = keep_bytes(stream8(a_seed, g * (u64)K + (u64)k), (int)(K - k));
            }
            As[kpair * 2u][row] = (int)(u32)bytes;
            As[kpair * 2u + 1u][row] = (int)(u32)(bytes >> 32);
        }
        // B: KW rows x BN ints = 256 int4 loads, one per thread, coalesced along n.
        {
            const u32 kw = tid / (BN / 4u);
            const u32 c4 = tid % (BN / 4u);
            const int4 v = *reinterpret_cast<const int4*>(
                bp + (u64)(kb / 4u + kw) * np + col0 + c4 * 4u);
            *reinterpret_cast<int4*>(&Bs[kw][c4 * 4u]) = v;
        }
        __syncthreads();
#pragma unroll
        for (int kw = 0; kw < KW; ++kw) {
            int a[TM], b[TN];
#pragma unroll
            for (int i = 0; i < TM; ++i) a[i] = As[kw][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < TN; ++j) b[j] = Bs[kw][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = __dp4a(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }

    u64 h = 0ULL;
#pragma unroll
    for (int i = 0; i < TM; ++i) {
        const u32 r = row0 + ty + 16u * (u32)i;
#pragma unroll
        for (int j = 0; j < TN; ++j) {
            const u32 n = col0 + tx + 16u * (u32)j;
            if (r < R && n < N) {
                const u64 position = (u64)r * N + n;
                h += fmix64(key ^ (position << 32) ^ (u64)(u32)acc[i][j]);
            }
        }
    }
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) h += __shfl_down_sync(0xffffffffu, h, offset);
    if ((tid & 31u) == 0u) atomicAdd(out + job, h);
}
