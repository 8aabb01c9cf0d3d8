#!/usr/bin/env bash
# One command: set up Jupyter + the Java kernel, build target/seqbook.jar, run every notebook.
#   bash src/scripts/run.sh [--quick]      (SEQBOOK_QUICK=1 in the environment also means --quick)
# Other arguments go to run_notebooks.py (e.g. --timeout SEC, --out DIR, notebooks/02_x.ipynb).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

args=()
quick=0
[[ "${SEQBOOK_QUICK:-}" == 1 ]] && quick=1
for a in "$@"; do
    if [[ "$a" == --quick ]]; then
        quick=1
    else
        args+=("$a")
    fi
done
((quick)) && args=(--quick "${args[@]}")

bash "$REPO/src/scripts/setup.sh"
echo "run.sh: mvn package (target/seqbook.jar)"
(cd "$REPO" && mvn -B -q -DskipTests package)
[[ -f "$REPO/target/seqbook.jar" ]] || { echo "run.sh: target/seqbook.jar was not built" >&2; exit 1; }
# from the caller's folder, so that relative notebook paths and --out work; defaults are in the repo
exec /usr/bin/python3 "$REPO/src/scripts/run_notebooks.py" "${args[@]}"
