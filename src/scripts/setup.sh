#!/usr/bin/env bash
# Installs what the notebooks need, idempotently:
#   - Debian's Jupyter packages (only if /usr/bin/python3 cannot import them; needs root),
#   - the rapaio Java kernel jar (Maven Central, via mvn dependency:copy),
#   - a kernelspec "java" (display name "Java (seqbook)") whose start is race-free
#     (kernel/SafeKernelLauncher.java, compiled here with javac into the kernel dir).
# Prints one line saying what it did. Kernel dir: ${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/java
set -euo pipefail
# shellcheck source=lib/errtrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errtrap.sh"

RJK_VERSION=3.0.1
RJK_ARTIFACT="io.github.padreati:rapaio-jupyter-kernel:${RJK_VERSION}"
APT_PACKAGES=(jupyter-notebook python3-nbclient python3-nbconvert python3-nbformat
              python3-jupyter-client jupyter-nbconvert jupyter-client)
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAUNCHER_SRC="$SCRIPT_DIR/kernel/SafeKernelLauncher.java"

: "${HOME:?HOME must be set}"
DATA_DIR="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}"
KDIR="$DATA_DIR/kernels/java"
done_msgs=()

die() { echo "setup.sh: $*" >&2; exit 1; }

jupyter_python_ok() {
    /usr/bin/python3 -c 'import nbclient, nbconvert, nbformat, jupyter_client' >/dev/null 2>&1
}

# --- 1. apt packages --------------------------------------------------------------------------
step "apt packages"
missing=()
if ! jupyter_python_ok; then
    missing+=("${APT_PACKAGES[@]}")
fi
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
    missing+=(openjdk-17-jdk-headless)
fi
if ! command -v mvn >/dev/null 2>&1; then
    missing+=(maven)
fi
if ((${#missing[@]})) && [[ $(id -u) -ne 0 ]] && ! jupyter_python_ok && command -v jupyter >/dev/null 2>&1 \
        && command -v javac >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
    # Binder and other pip/conda Jupyters: the server is there, only the headless runner would need Debian's
    # packages. Install the kernelspec for the Jupyter on PATH and say what is missing.
    done_msgs+=("apt: skipped (not root; using the Jupyter on PATH, the headless runner needs: ${missing[*]})")
    apt_noted=1
    missing=()
fi
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        die "missing: ${missing[*]}; run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    fi
    log=$(mktemp)
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "apt-get install failed"
    fi
    rm -f "$log"
    jupyter_python_ok || die "/usr/bin/python3 still cannot import nbclient/nbconvert/nbformat/jupyter_client"
    done_msgs+=("apt: installed ${missing[*]}")
elif [[ $(id -u) -ne 0 && -z "${apt_noted:-}" ]]; then
    done_msgs+=("apt: skipped (not root, packages present)")
fi

# --- 2. kernel jar ----------------------------------------------------------------------------
step "kernel jar"
mkdir -p "$KDIR"
if [[ ! -s "$KDIR/rjk.jar" ]]; then
    tmp=$(mktemp -d)
    # run outside any project so that no pom.xml is read
    # -Duser.home: Maven (Java) takes the home from /etc/passwd, not from $HOME
    if ! (cd "$tmp" && mvn -B -q -Duser.home="$HOME" dependency:copy -Dartifact="$RJK_ARTIFACT" \
            -DoutputDirectory="$tmp/out" >"$tmp/mvn.log" 2>&1); then
        cat "$tmp/mvn.log" >&2
        rm -rf "$tmp"
        die "could not fetch $RJK_ARTIFACT"
    fi
    mv "$tmp/out/rapaio-jupyter-kernel-${RJK_VERSION}.jar" "$KDIR/rjk.jar"
    rm -rf "$tmp"
    done_msgs+=("fetched rapaio-jupyter-kernel $RJK_VERSION")
fi

# --- 3. race-free launcher ----------------------------------------------------------------------
step "launcher"
[[ -f "$LAUNCHER_SRC" ]] || die "missing $LAUNCHER_SRC"
LAUNCHER_CLASS="$KDIR/launcher/SafeKernelLauncher.class"
if [[ ! -f "$LAUNCHER_CLASS" || "$LAUNCHER_SRC" -nt "$LAUNCHER_CLASS" || "$KDIR/rjk.jar" -nt "$LAUNCHER_CLASS" ]]; then
    rm -rf "$KDIR/launcher.new"
    javac -nowarn -encoding UTF-8 --release 17 -cp "$KDIR/rjk.jar" -d "$KDIR/launcher.new" \
        "$LAUNCHER_SRC" || die "javac failed for $LAUNCHER_SRC"
    rm -rf "$KDIR/launcher"
    mv "$KDIR/launcher.new" "$KDIR/launcher"
    done_msgs+=("compiled SafeKernelLauncher")
fi

# --- 4. init script + kernel.json (rewritten every run) -------------------------------------------
step "kernel.json"
cat >"$KDIR/init.jshell" <<'EOF'
// written by src/scripts/setup.sh: plain values as text/plain, tracebacks without ANSI colours
options().set("display.defaultMime", "text/plain");
options().set("display.text.colored", "false");
EOF

JAVA_BIN=$(command -v java)
# Kernel heap: 1g by default (the chapter's data and models are small; what the JVM holds beyond the heap is ND4J's
# native memory, bounded below); Binder's 2 GB containers set SEQBOOK_KERNEL_XMX lower (binder/postBuild).
# An existing kernelspec keeps its heap unless SEQBOOK_KERNEL_XMX says otherwise (so a later run.sh on Binder
# does not put a 2 GB container back to the default). On a first run there is no kernel.json: the default applies.
XMX="${SEQBOOK_KERNEL_XMX:-}"
if [[ -z "$XMX" && -f "$KDIR/kernel.json" ]]; then
    XMX=$(sed -n 's/.*"-Xmx\([0-9]*[mg]\)".*/\1/p' "$KDIR/kernel.json" | head -n1)
fi
XMX="${XMX:-1g}"
[[ "$XMX" =~ ^[0-9]+[mg]$ ]] || die "SEQBOOK_KERNEL_XMX must look like 1g or 1200m, got '$XMX'"
PYTHON=/usr/bin/python3
[[ -x "$PYTHON" ]] || PYTHON=$(command -v python3)
"$PYTHON" - "$KDIR" "$JAVA_BIN" "$XMX" <<'EOF'
import json, sys
kdir, java, xmx = sys.argv[1], sys.argv[2], sys.argv[3]
# heap plus 800 MB for ND4J's native arrays, the JVM and the native libraries: 1.8 GB for the default 1g heap
physical_mb = int(xmx[:-1]) * (1024 if xmx.endswith("g") else 1) + 800
spec = {
    "argv": [
        java,
        "-Djava.awt.headless=true",
        f"-Xmx{xmx}",
        # ND4J's arrays live outside the heap and are freed only when the garbage collector finds their Java
        # objects dead. A small young generation collected often frees them soon (peak RSS of an LSTM benchmark
        # 790 MB with ParallelGC's default sizing, 433 MB with this), and JavaCPP forces a collection when the
        # process's resident memory passes maxPhysicalBytes (its default, 4x the heap, let notebook 06 reach 6.6 GB).
        # Survivor spaces of a quarter of it each hold ND4J's bookkeeping of young arrays (a map entry per buffer
        # until the collector finds it dead) instead of promoting it to the old generation every collection
        # (LSTM benchmark 521 -> 400 MB, ridership deep RNN 309 -> 227 MB; SurvivorRatio's default is 8).
        "-XX:+UseSerialGC",
        "-Xmn64m",
        "-XX:SurvivorRatio=2",
        f"-Dorg.bytedeco.javacpp.maxPhysicalBytes={physical_mb}m",
        "-Dfile.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
        "-Dsun.stderr.encoding=UTF-8",
        # lets the launcher find the thread that runs an interrupted cell (SafeKernelLauncher.CellInterrupter)
        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "-cp", f"{kdir}/rjk.jar:{kdir}/launcher",
        "SafeKernelLauncher",
        "{connection_file}",
    ],
    "display_name": "Java (seqbook)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_INIT_SCRIPT": f"{kdir}/init.jshell",
        # The chapter's models are tiny: OpenMP threads only add overhead, and spin badly when the cores are busy
        # (measured 5-10x slower training under load). ND4J reads this when it loads.
        "OMP_NUM_THREADS": "1",
    },
    "metadata": {"debugger": False},
}
with open(f"{kdir}/kernel.json", "w", encoding="utf-8") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
EOF

if ((${#done_msgs[@]})); then
    summary=$(printf '%s; ' "${done_msgs[@]}")
    summary=${summary%; }
    echo "setup.sh: $summary; kernelspec 'java' in $KDIR"
else
    echo "setup.sh: up to date; kernelspec 'java' in $KDIR"
fi
