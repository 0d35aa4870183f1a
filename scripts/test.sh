#!/usr/bin/env bash
# Runs every test of the project: formatting and lints, the forge tests (unit, fuzz, invariant),
# and the Rust tests (including the revm tests of the compiled contracts, and Bittensor's Python
# clients against the node, from the venv scripts/python-env.sh creates). This is the README's
# test command and what CI runs (.ci/run). Exits non-zero as soon as anything fails.
#
# Env: CI=true selects forge's `ci` profile (more fuzz runs); CARGO_TARGET_DIR is honoured (CI
# points it at a cache outside the clone when one exists).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$wtao_root"
wtao_ensure_toolchain

# A CI build starts from nothing and is never rebuilt in place: incremental compilation would
# only add work (and disk) to it.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi

started=$SECONDS
step() { echo; echo "==> $* (+$((SECONDS - started))s)"; }

step "forge fmt --check"
(cd contracts && forge fmt --check)

step "forge build"
# Size check (EIP-170) for what gets deployed; test helpers may be larger.
(cd contracts && forge build --sizes --skip test --skip script)

step "forge test"
profile=default
if [ "${CI:-}" = "true" ]; then profile=ci; fi
(cd contracts && FOUNDRY_PROFILE=$profile forge test)

step "slither (scripts/slither.sh)"
# Static analysis of contracts/src; fails on a High/Medium finding not in contracts/slither.triage.json.
bash scripts/slither.sh

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo build (tao-node, wtao-relayer)"
# The end-to-end and node tests run these binaries. Built here once, together (one feature
# resolution), instead of by each test process through a nested cargo with its own features.
cargo build --locked -p tao-node -p wtao-relayer --bins
bin_dir="${CARGO_TARGET_DIR:-$wtao_root/target}/debug"
export TAO_NODE_BIN="$bin_dir/tao-node" WTAO_E2E_RELAYER_BIN="$bin_dir/wtao-relayer"

step "python clients (venv)"
# Bittensor's own Python clients, which node/tests/it/python.rs runs against the node.
bash scripts/python-env.sh >/dev/null

step "cargo test"
cargo test --workspace --locked

echo
echo "==> all tests passed in $((SECONDS - started))s"
