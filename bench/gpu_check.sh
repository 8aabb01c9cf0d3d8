#!/usr/bin/env bash
# GPU check: on a machine with an NVIDIA GPU, a JDK 17 and Maven (network to Maven Central), builds the CUDA
# jar, then trains one recurrent and one convolutional chapter model for a few epochs on each backend and
# prints s/epoch and validation MSE side by side.
#   bash bench/gpu_check.sh [EPOCHS]          (default 3; the first epoch is warm-up)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../src/scripts/lib/errtrap.sh"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
epochs="${1:-3}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
command -v java >/dev/null || { echo "gpu_check: no JDK on this machine" >&2; exit 2; }
step "build the jars"
[[ -f target/seqbook.jar ]] || mvn -B -q -DskipTests package
[[ -f target/seqbook-cuda.jar ]] || mvn -B -q -Pcuda -DskipTests package
unset SEQBOOK_QUICK
models=(deep_rnn_dense seq2seq_rnn)
# the convolutional model joins once the library has it
if java -cp target/seqbook.jar bench/Dl4jBench.java list | grep -qx wavenet; then models+=(wavenet); fi
step "train on both backends"
printf '%-16s %-6s %10s %12s\n' model side s/epoch val_metric
for jar in target/seqbook.jar target/seqbook-cuda.jar; do
    side=$([[ $jar == *cuda* ]] && echo cuda || echo cpu)
    java -cp "$jar" bench/Dl4jBench.java backend
    for m in "${models[@]}"; do
        line=$(java -Xmx4g -cp "$jar" bench/Dl4jBench.java train "$m" "$epochs" 2>/dev/null | tail -n 1)
        /usr/bin/env python3 - "$m" "$side" "$line" <<'PY'
import json, sys
m, side, line = sys.argv[1:]
r = json.loads(line)
print(f"{m:<16} {side:<6} {r['s_per_epoch']:10.3f} {r['value']:12.5g}")
PY
    done
done
