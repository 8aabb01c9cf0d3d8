#!/usr/bin/env bash
# Training-speed benchmark, DL4J vs PyTorch side by side (see bench/run_bench.py):
#   bash bench/run.sh [--epochs N] [--models a,b] [--batches N]
# Notebooks 05-06's models read downloaded data: offline, export SEQBOOK_DATA_MIRROR=/path/to/folder (passed through).
# Installs the peer (Debian's python3-torch) and GNU time if missing, builds the jar if missing or older than src/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../src/scripts/lib/errtrap.sh"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
step "install the PyTorch peer"
need=()
/usr/bin/python3 -c "import torch, numpy" 2>/dev/null || need+=(python3-torch python3-numpy)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
    echo "bench: installing ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
step "build the jar"
# (again when a source is newer than the jar: a stale jar would benchmark old code without a word)
if [[ ! -f target/seqbook.jar || -n "$(find src pom.xml -newer target/seqbook.jar -print -quit)" ]]; then
    mvn -B -q -DskipTests package
fi
step "benchmark"
exec /usr/bin/python3 bench/run_bench.py "$@"
