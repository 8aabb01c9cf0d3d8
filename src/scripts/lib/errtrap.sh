# Sourced by the project's bash scripts (after `set -euo pipefail`): a failing command no longer ends the script
# with a bare exit status but prints one line naming the script, the step it was in, the line and the command:
#   setup.sh: step "kernel.json" failed at line 97 (exit 2): grep -o ... "$KDIR/kernel.json"
# Scripts name their steps with `step "what it does"`.
SEQBOOK_SCRIPT_NAME="$(basename "${BASH_SOURCE[1]:-$0}")"
SEQBOOK_STEP="start"
step() { SEQBOOK_STEP="$*"; }
seqbook_on_err() {
    local rc=$1 line=$2 cmd=$3 src
    # the whole source line says more than $BASH_COMMAND, which names only the last stage of a failing pipeline
    src=$(sed -n "${line}p" "${BASH_SOURCE[1]:-}" 2>/dev/null | sed 's/^[[:space:]]*//') || true
    [[ -n "$src" ]] && cmd=$src
    echo "$SEQBOOK_SCRIPT_NAME: step \"$SEQBOOK_STEP\" failed at line $line (exit $rc): $cmd" >&2
}
trap 'seqbook_on_err $? $LINENO "$BASH_COMMAND"' ERR
