#!/usr/bin/env bash
# One command: set up Jupyter + the Java kernel, build target/seqbook.jar, run every notebook.
#   bash src/scripts/run.sh [--quick] [--cuda]   (SEQBOOK_QUICK=1 / SEQBOOK_BACKEND=cuda mean the same)
# Other arguments go to run_notebooks.py (e.g. --timeout SEC, --out DIR, notebooks/02_x.ipynb).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/errtrap.sh"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

args=()
quick=0
cuda=0
[[ "${SEQBOOK_QUICK:-}" == 1 ]] && quick=1
[[ "${SEQBOOK_BACKEND:-cpu}" == cuda ]] && cuda=1
for a in "$@"; do
    case "$a" in
        --quick) quick=1 ;;
        --cuda) cuda=1 ;;
        *) args+=("$a") ;;
    esac
done
((quick)) && args=(--quick "${args[@]}")

step "setup.sh (Jupyter and the Java kernel)"
bash "$REPO/src/scripts/setup.sh"
step "build the jar"
if ((cuda)); then
    # GPU build: the CUDA 11.6 backend (and its runtime) instead of the CPU one, as target/seqbook-cuda.jar;
    # the runner rewrites the notebooks' %classpath setup line to load it.
    echo "run.sh: mvn -Pcuda package (target/seqbook-cuda.jar; a large download the first time)"
    (cd "$REPO" && mvn -B -q -Pcuda -DskipTests package)
    jar="$REPO/target/seqbook-cuda.jar"
    args=(--jar "$jar" "${args[@]}")
else
    echo "run.sh: mvn package (target/seqbook.jar)"
    (cd "$REPO" && mvn -B -q -DskipTests package)
    jar="$REPO/target/seqbook.jar"
fi
[[ -f "$jar" ]] || { echo "run.sh: $jar was not built" >&2; exit 1; }
step "run the notebooks"
# from the caller's folder, so that relative notebook paths and --out work; defaults are in the repo
exec /usr/bin/python3 "$REPO/src/scripts/run_notebooks.py" "${args[@]}"
