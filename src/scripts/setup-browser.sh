#!/usr/bin/env bash
# Installs what the real-browser test (src/test/java/.../BrowserIT.java) needs, idempotently:
#   - Debian's chromium and chromium-driver (/usr/bin/chromium), with apt-get update first (needs root);
#   - the Node packages of src/test/browser (playwright-core, pinned in package-lock.json) into
#     src/test/browser/node_modules (git-ignored), with `npm ci`, only when missing or older than the lock file.
# Playwright never downloads a browser here: the test launches Debian's /usr/bin/chromium (executablePath).
# Prints one line saying what it did. Exit status 3: Chromium is not installed and cannot be installed here
# (not root, or apt-get failed), so the test is skipped; any other failure exits 1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/errtrap.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BROWSER_DIR="$REPO/src/test/browser"
CHROMIUM=/usr/bin/chromium
done_msgs=()

die() { echo "setup-browser.sh: $1" >&2; exit "${2:-1}"; }

step "chromium"
# --- 1. Chromium --------------------------------------------------------------------------------
if [[ ! -x "$CHROMIUM" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        die "no $CHROMIUM and not root; run as root: apt-get update && apt-get install -y chromium chromium-driver" 3
    fi
    log=$(mktemp)
    # DPkg::Lock::Timeout: wait for another apt-get on this machine instead of failing at once
    if ! { apt-get -o DPkg::Lock::Timeout=600 update -q \
            && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
                --no-install-recommends chromium chromium-driver; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        rm -f "$log"
        die "apt-get install chromium chromium-driver failed" 3
    fi
    rm -f "$log"
    [[ -x "$CHROMIUM" ]] || die "chromium installed but $CHROMIUM is missing" 3
    done_msgs+=("apt: installed chromium chromium-driver")
fi

step "node packages"
# --- 2. Node packages -------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || die "node and npm are needed (Debian: nodejs npm)"
MARKER="$BROWSER_DIR/node_modules/.package-lock.json"   # written by npm ci/install
if [[ ! -f "$BROWSER_DIR/node_modules/playwright-core/package.json" || "$BROWSER_DIR/package-lock.json" -nt "$MARKER" ]]; then
    log=$(mktemp)
    if ! (cd "$BROWSER_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "npm ci failed in $BROWSER_DIR"
    fi
    rm -f "$log"
    touch "$MARKER"
    done_msgs+=("npm ci in src/test/browser")
fi

version=$("$CHROMIUM" --version 2>/dev/null | head -n1 || true)
if ((${#done_msgs[@]})); then
    summary=$(IFS=';'; echo "${done_msgs[*]}")
    echo "setup-browser.sh: ${summary//;/; }; ${version:-chromium}"
else
    echo "setup-browser.sh: up to date; ${version:-chromium}"
fi
