#!/usr/bin/env bash
# Static analysis of the contracts with slither (PyPI `slither-analyzer`, pinned in
# scripts/slither/requirements.txt). Fails when slither cannot parse the build, when it did not
# analyse TaoBridge, WTAO and WTAOGovernor, or when it reports a High or Medium finding in
# contracts/src that contracts/slither.triage.json does not accept with its reason.
#
# Steps: (1) a venv the project owns, .venv/slither (git-ignored), installed from the pinned
# requirements and reinstalled when they change; (2) a fresh forge build of src/ with build info
# into contracts/cache/slither/out, apart from forge's own out/ and cache (so it neither
# invalidates the test build nor reads build info left from earlier incremental builds);
# (3) slither over that build info through scripts/slither/check.py.
#
# Needs python3 >= 3.10 with venv and pip, and PyPI the first time. Env: WTAO_SLITHER_REPORT=path
# writes every finding (slither's JSON, all impacts) there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
report_args=()
if [ -n "${WTAO_SLITHER_REPORT:-}" ]; then report_args=(--report "$(realpath -m "$WTAO_SLITHER_REPORT")"); fi
cd "$wtao_root"
wtao_ensure_toolchain

venv="$wtao_root/.venv/slither"
requirements="$wtao_root/scripts/slither/requirements.txt"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "==> installing slither into $venv" >&2
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
        echo "error: slither needs python3 >= 3.10 (found $(python3 --version 2>&1))" >&2
        exit 1
    }
    rm -rf "$venv"
    python3 -m venv "$venv" || {
        echo "error: python3 -m venv failed; install the venv module (e.g. apt-get install python3-venv)" >&2
        exit 1
    }
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" >"$stamp"
fi

out="cache/slither/out"
cd "$wtao_root/contracts"
rm -rf cache/slither
# Only src/ (what gets deployed) and what it imports: tests, mocks and scripts are not analysed.
FOUNDRY_OUT="$out" FOUNDRY_CACHE_PATH="cache/slither/cache" forge build --build-info --quiet src

"$venv/bin/python" "$wtao_root/scripts/slither/check.py" \
    --project . --out "$out" --triage slither.triage.json \
    --require TaoBridge --require WTAO --require WTAOGovernor "${report_args[@]}"
