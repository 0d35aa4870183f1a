// Runs src/engine/cuda/kernel.cu on the CPU: every CUDA thread of a block is a std::thread, so the
// kernel's indexing, shared-memory staging, barriers, warp shuffles and atomics execute as
// written. Used by tests/it/cuda_emu.rs to check the kernel against the CPU engine on machines
// without a GPU. Not a performance model, and not a substitute for running on a GPU: it checks
// the kernel's logic, not the compiler or the hardware.
//
// Usage: emu K N R B_SEED < jobs   (one "a_seed digest_key tile" per line, decimal)
// Prints one digest per job, decimal.

#include <atomic>
#include <barrier>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};
static thread_local dim3 threadIdx, blockIdx;
static dim3 blockDim, gridDim;

struct int4 {
    int x, y, z, w;
};

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __shared__ static  // one block runs at a time, so a static is the block's shared memory
#define __align__(n) __attribute__((aligned(n)))

static std::barrier<>* block_barrier;
static inline void __syncthreads() { block_barrier->arrive_and_wait(); }

static inline int __dp4a(int a, int b, int c) {
    uint32_t acc = (uint32_t)c;
    for (int j = 0; j < 4; ++j) {
        int32_t x = (int8_t)(uint8_t)((uint32_t)a >> (8 * j));
        int32_t y = (int8_t)(uint8_t)((uint32_t)b >> (8 * j));
        acc += (uint32_t)(x * y);
    }
    return (int)acc;
}

struct Warp {
    std::barrier<> bar{32};
    unsigned long long slot[32];
};
static std::vector<std::unique_ptr<Warp>> warps;

static inline unsigned long long __shfl_down_sync(unsigned, unsigned long long v, int offset) {
    unsigned lane = threadIdx.x % 32;
    Warp& w = *warps[threadIdx.x / 32];
    w.slot[lane] = v;
    w.bar.arrive_and_wait();
    unsigned long long r = lane + offset < 32 ? w.slot[lane + offset] : v;
    w.bar.arrive_and_wait();
    return r;
}

static inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return std::atomic_ref<unsigned long long>(*p).fetch_add(v);
}

#include "../../src/engine/cuda/kernel.cu"

// Launches `body` over the grid, one block at a time, one std::thread per CUDA thread.
static void launch(dim3 grid, unsigned threads, const std::function<void()>& body) {
    gridDim = grid;
    blockDim = dim3{threads, 1, 1};
    for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
            for (unsigned x = 0; x < grid.x; ++x) {
                std::barrier<> bar(threads);
                block_barrier = &bar;
                warps.clear();
                for (unsigned w = 0; w < threads / 32; ++w) warps.push_back(std::make_unique<Warp>());
                std::vector<std::thread> pool;
                for (unsigned t = 0; t < threads; ++t)
                    pool.emplace_back([&, t, x, y, z] {
                        threadIdx = dim3{t, 0, 0};
                        blockIdx = dim3{x, y, z};
                        body();
                    });
                for (auto& th : pool) th.join();
            }
}

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: emu K N R B_SEED < jobs\n");
        return 2;
    }
    const u32 K = (u32)std::strtoul(argv[1], nullptr, 10);
    const u32 N = (u32)std::strtoul(argv[2], nullptr, 10);
    const u32 R = (u32)std::strtoul(argv[3], nullptr, 10);
    const u64 b_seed = std::strtoull(argv[4], nullptr, 10);
    std::vector<u64> jobs;
    unsigned long long a, k, t;
    while (std::scanf("%llu %llu %llu", &a, &k, &t) == 3) {
        jobs.push_back(a);
        jobs.push_back(k);
        jobs.push_back(t);
    }
    const u32 np = (N + BN - 1) / BN * BN;
    const u32 kp = (K + BK - 1) / BK * BK;
    const u32 k4 = kp / 4;
    std::vector<int> bp((size_t)k4 * np);
    const u64 total = (u64)k4 * np;
    launch(dim3{(unsigned)((total + 255) / 256), 1, 1}, 256,
           [&] { wtao_pack_b(b_seed, K, N, k4, np, bp.data()); });
    const size_t count = jobs.size() / 3;
    std::vector<u64> out(count, 0);
    launch(dim3{np / BN, (R + BM - 1) / BM, (unsigned)count}, THREADS,
           [&] { wtao_tiles(jobs.data(), out.data(), bp.data(), K, N, R, np, kp); });
    for (u64 d : out) std::printf("%llu\n", (unsigned long long)d);
    return 0;
}
