#!/usr/bin/env bash
# Builds what a GPU machine runs — the release `bench` example and the release integration-test
# binary of wtao-scoring — and copies them to crates/scoring/.gpu/ (git-ignored). Carry that
# folder to the GPU machine and run crates/scoring/gpu/run.sh there.
set -euo pipefail
crate=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$crate/../.."
cargo build --release -p wtao-scoring --example bench
it=$(cargo test --release -p wtao-scoring --test it --no-run --message-format=json \
    | grep -o '"executable":"[^"]*"' | tail -1 | cut -d'"' -f4)
target=${CARGO_TARGET_DIR:-$PWD/target}
mkdir -p "$crate/.gpu"
cp "$target/release/examples/bench" "$crate/.gpu/bench"
cp "$it" "$crate/.gpu/it"
strip --strip-debug "$crate/.gpu/bench" "$crate/.gpu/it" 2>/dev/null || true
echo "staged: $(ls "$crate/.gpu" | tr '\n' ' ')"
