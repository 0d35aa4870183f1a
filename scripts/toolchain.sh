# shellcheck shell=bash
# Sourced by the project's scripts: makes sure the pinned npm toolchain (forge, anvil, cast,
# solc-js, OpenZeppelin; see package.json) is installed and on PATH. Installs with `npm ci` when
# node_modules is missing or older than package-lock.json, so a fresh clone needs only Rust,
# node and npm.
wtao_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

wtao_ensure_toolchain() {
    local marker="$wtao_root/node_modules/.package-lock.json"
    if [ ! -f "$marker" ] || [ "$wtao_root/package-lock.json" -nt "$marker" ]; then
        echo "==> installing the pinned toolchain (npm ci)" >&2
        (cd "$wtao_root" && npm ci --no-audit --no-fund --loglevel=error) || {
            echo "error: npm ci failed; node >= 18 and npm are required" >&2
            return 1
        }
    fi
    local bin
    for bin in forge anvil cast; do
        local dir="$wtao_root/node_modules/@foundry-rs/$bin-linux-amd64/bin"
        if [ ! -x "$dir/$bin" ]; then
            echo "error: $bin missing from $dir (is this linux-amd64?); try 'rm -rf node_modules && npm ci'" >&2
            return 1
        fi
        case ":$PATH:" in *":$dir:"*) ;; *) PATH="$dir:$PATH" ;; esac
    done
    export PATH
}
