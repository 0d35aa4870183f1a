#!/usr/bin/env bash
# On a GPU machine, after gpu/stage.sh here: finds NVRTC, then runs cuda_matches_cpu (required to
# compare, never to skip) and the benchmark. Results go to $OUT (or crates/scoring/.gpu/out).
set -euo pipefail
crate=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
staged="$crate/.gpu"
out=${OUT:-$staged/out}
mkdir -p "$out"
nvrtc=$( (ldconfig -p 2>/dev/null | grep -o '/[^ ]*libnvrtc\.so\.13$' || true) | head -1)
if [ -z "$nvrtc" ]; then
    nvrtc=$(find /usr/local /usr/lib /opt / -name 'libnvrtc.so.13' -print -quit 2>/dev/null || true)
fi
if [ -n "$nvrtc" ]; then export LD_LIBRARY_PATH="$(dirname "$nvrtc"):${LD_LIBRARY_PATH:-}"; fi
{
    nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv || true
    echo "libnvrtc: ${nvrtc:-not found}"
} | tee "$out/gpu.txt"
status=0
WTAO_REQUIRE_CUDA=1 "$staged/it" cuda::enabled --nocapture --test-threads=1 2>&1 \
    | tee "$out/cuda_tests.txt" || status=1
"$staged/bench" --engine both --profile gpu --seconds 5 --json | tee "$out/bench_gpu.json" || status=1
"$staged/bench" --engine both --profile dev --seconds 3 --json > "$out/bench_dev.json" || status=1
exit $status
