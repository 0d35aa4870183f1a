#!/usr/bin/env bash
# Creates the Python virtual environment with Bittensor's own clients (the `bittensor` SDK,
# `bittensor-cli`, `async-substrate-interface`), pinned in node/tests/python/requirements.txt,
# at .venv/bittensor (gitignored). The Python client tests (node/tests/it/python.rs) run them
# against the real tao-node. Installs from PyPI only when the venv is missing or was built from
# other pins, so a second run costs nothing.
#
# Usage: scripts/python-env.sh            (prints the venv's path on stdout)
# Env:   WTAO_PYTHON   interpreter to build the venv with (default: python3; 3.10 to 3.14)
#        WTAO_PY_VENV  where to put the venv (default: .venv/bittensor in the repository)
#
# Two `btcli` commands are installed (bittensor 11 ships its own, and bittensor-cli's is the
# one users know). They clash on the same path; run bittensor-cli explicitly with
# `.venv/bittensor/bin/python -m bittensor_cli.cli`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/node/tests/python/requirements.txt"
venv="${WTAO_PY_VENV:-$root/.venv/bittensor}"
python="${WTAO_PYTHON:-python3}"
stamp="$venv/.wtao-requirements.txt"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
    echo "$venv"
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found; install Python 3.10 to 3.14 or point WTAO_PYTHON at one" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 14) else 1)'; then
    echo "error: $("$python" --version 2>&1) is unsupported by bittensor 11; use Python 3.10 to 3.14 (WTAO_PYTHON)" >&2
    exit 1
fi

echo "==> creating $venv from $(basename "$requirements") ($("$python" --version 2>&1))" >&2
started=$SECONDS
rm -rf "$venv"
if ! "$python" -m venv "$venv"; then
    echo "error: '$python -m venv' failed; on Debian install the python3-venv package" >&2
    exit 1
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$requirements"
# Fail here, not in a test, if an import is broken.
"$venv/bin/python" -c 'import bittensor, bittensor_cli.cli, async_substrate_interface, bittensor_wallet'
cp "$requirements" "$stamp"
echo "==> venv ready in $((SECONDS - started))s" >&2
echo "$venv"
