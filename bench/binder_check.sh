#!/usr/bin/env bash
# Checks the mybinder.org configuration (binder/apt.txt, binder/postBuild) the way repo2docker would run it,
# as far as this machine allows (Binder itself is unreachable from here). Run as root:
#
#   bash bench/binder_check.sh [--m2 fresh|seed] [--mem 2g|none] [--user NAME] [--maven VERSION]
#
# --maven 3.6.3: run postBuild with that Apache Maven (its binary distribution from Maven Central, first on the
# user's PATH) instead of Debian 12's 3.8.7: Binder's image is Ubuntu 22.04, whose apt "maven" is 3.6.3.
#
# What it does, in order (a table of PASS/FAIL at the end; exit status 1 on any FAIL):
#   1. binder/ files: apt.txt and postBuild present, postBuild executable (in the work tree and, when it is
#      tracked, in the git index: repo2docker runs ./binder/postBuild only if the mode is 100755).
#   2. apt.txt: every package installed (installed with apt-get here if missing, as repo2docker does as root).
#   3. A non-root user (default binderuser, like Binder's jovyan) with a FRESH home: the user's processes are
#      killed and its home is emptied on every run. The repository (git ls-files: tracked files plus untracked
#      files that are not ignored, i.e. what the next commit would hold) is copied into the home, which is the
#      repository folder on Binder (REPO_DIR=$HOME), owned by the user.
#   4. ./binder/postBuild as the user, from the home, with a clean environment (HOME, USER, PATH, LANG only).
#      Binder's /usr/bin/python3 has no Jupyter modules (its Jupyter is a conda env on PATH), so postBuild runs in
#      a private mount namespace where Debian's nbclient cannot be imported (its __init__.py is bind-mounted
#      over by a file that raises ImportError); `jupyter` stays on PATH. That exercises setup.sh's non-root
#      "Jupyter on PATH" branch. Maven: --m2 fresh (default) starts with an empty ~/.m2, so every artifact comes
#      from Maven Central as on Binder (slow); --m2 seed first copies root's ~/.m2/repository into the user's
#      ~/.m2/repository (a private copy, owned by the user; postBuild deletes it at its end, as on Binder).
#   5. What postBuild left: kernelspec java in ~/.local/share/jupyter/kernels/java with -Xmx1200m, its
#      rapaio jar and the compiled launcher, target/seqbook.jar, ~/.m2/repository removed, nothing in the home
#      owned by another user; setup.sh run again says "up to date".
#   6. Debian's Jupyter Notebook server started as the user lists the kernelspec "java" (GET /api/kernelspecs).
#   7. The installed kernel executes notebooks/01_basic_rnns.ipynb in quick mode through the runner
#      (/usr/bin/python3 src/scripts/run_notebooks.py --quick, as the user, Debian's Jupyter modules visible),
#      inside a memory cgroup limited to --mem (default 2g, Binder's usual limit; none: no limit), and the peak
#      memory of runner + kernel is reported.
#   8. No process of the user is left afterwards.
# Logs: /tmp/binder_check/ (postBuild.log, runner.log, server.log).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
M2=fresh
MEM=2g
MAVEN=""
BUSER=binderuser
while (($#)); do
    case "$1" in
        --m2) M2="$2"; shift 2 ;;
        --mem) MEM="$2"; shift 2 ;;
        --user) BUSER="$2"; shift 2 ;;
        --maven) MAVEN="$2"; shift 2 ;;
        *) echo "usage: $0 [--m2 fresh|seed] [--mem 2g|none] [--user NAME] [--maven VERSION]" >&2; exit 2 ;;
    esac
done
[[ "$M2" == fresh || "$M2" == seed ]] || { echo "--m2 fresh|seed" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "binder_check.sh: run as root (it creates a user and runs commands as it)" >&2; exit 2; }
[[ "$BUSER" != root ]] || { echo "binder_check.sh: --user must not be root" >&2; exit 2; }

LOGS=/tmp/binder_check
rm -rf "$LOGS"
mkdir -p "$LOGS"
chmod 755 "$LOGS"
ROWS=()
FAILS=0
T0=$SECONDS

row() { # check | PASS/FAIL/INFO | detail
    ROWS+=("$1|$2|$3")
    [[ "$2" == FAIL ]] && FAILS=$((FAILS + 1))
    printf '%-4s %s: %s\n' "$2" "$1" "$3"
}

as_user() { # run a command line as the user, from its home, with a Binder-like clean environment
    runuser -u "$BUSER" -- env -i HOME="$BHOME" USER="$BUSER" LOGNAME="$BUSER" LANG=C.UTF-8 \
        PATH="$UPATH" SHELL=/bin/bash bash -c "cd \"\$HOME\" && $1"
}

kill_user_procs() {
    local pids
    pids=$(pgrep -u "$BUSER" 2>/dev/null | tr '\n' ' ')
    if [[ -n "${pids// /}" ]]; then
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
        sleep 1
    fi
}

UPATH=/usr/local/bin:/usr/bin:/bin
if [[ -n "$MAVEN" ]]; then
    MDIR=/opt/binder_check/apache-maven-$MAVEN
    if [[ ! -x "$MDIR/bin/mvn" ]]; then
        mkdir -p /opt/binder_check
        tmpd=$(mktemp -d)
        (cd "$tmpd" && mvn -B -q dependency:copy -Dartifact="org.apache.maven:apache-maven:$MAVEN:tar.gz:bin" \
            -DoutputDirectory="$tmpd") >"$LOGS/maven-dist.log" 2>&1 \
            && tar -xzf "$tmpd/apache-maven-$MAVEN-bin.tar.gz" -C /opt/binder_check
        rm -rf "$tmpd"
        chmod -R a+rX /opt/binder_check 2>/dev/null
    fi
    [[ -x "$MDIR/bin/mvn" ]] || { echo "binder_check.sh: could not get Apache Maven $MAVEN (see $LOGS/maven-dist.log)" >&2; exit 1; }
    UPATH="$MDIR/bin:$UPATH"
fi

# --- 1. binder/ files ---------------------------------------------------------------------------
cd "$REPO"
if [[ -f binder/apt.txt && -f binder/postBuild ]]; then
    row "binder files" PASS "binder/apt.txt: $(grep -cv '^\s*\(#\|$\)' binder/apt.txt) packages; binder/postBuild present"
else
    row "binder files" FAIL "binder/apt.txt or binder/postBuild missing"
    exit 1
fi
mode=$(git ls-files -s binder/postBuild | awk '{print $1}')
if [[ -x binder/postBuild && ( -z "$mode" || "$mode" == 100755 ) ]]; then
    row "postBuild executable" PASS "work tree +x; git index mode ${mode:-(not tracked yet: git add keeps +x)}"
else
    row "postBuild executable" FAIL "work tree $(stat -c %A binder/postBuild), git index mode ${mode:-none}"
fi

# --- 2. apt.txt -------------------------------------------------------------------------------
mapfile -t APT < <(grep -v '^\s*\(#\|$\)' binder/apt.txt | tr -d '\r' | awk '{print $1}')
missing=()
for p in "${APT[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    if apt-get -o DPkg::Lock::Timeout=600 update -q >"$LOGS/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive \
            apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1; then
        row "apt.txt packages" PASS "installed now: ${missing[*]}"
    else
        row "apt.txt packages" FAIL "apt-get install ${missing[*]} failed (see $LOGS/apt.log)"
    fi
else
    row "apt.txt packages" PASS "${APT[*]} installed (Debian 12 here; Binder's image is Ubuntu, not checked)"
fi

# --- 3. user with a fresh home, repository copied ----------------------------------------------------
if ! id "$BUSER" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$BUSER"
fi
BHOME=$(getent passwd "$BUSER" | cut -d: -f6)
[[ -n "$BHOME" && "$BHOME" != / && -d "$BHOME" ]] || { row "user" FAIL "no home for $BUSER"; exit 1; }
kill_user_procs
find "$BHOME" -mindepth 1 -delete
cp -rT /etc/skel "$BHOME"
git ls-files -z --cached --others --exclude-standard >"$LOGS/files.lst"
tar --null -T "$LOGS/files.lst" --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$BHOME"
n=$(tr -cd '\0' <"$LOGS/files.lst" | wc -c)
chown -R "$BUSER:$BUSER" "$BHOME"
row "user + repo copy" PASS "$BUSER (uid $(id -u "$BUSER")), fresh $BHOME with $n files of the repository"

# --- 4. postBuild as the user, Debian's Jupyter modules hidden ----------------------------------------
if [[ "$M2" == seed ]]; then
    mkdir -p "$BHOME/.m2"
    cp -a /root/.m2/repository "$BHOME/.m2/repository"
    chown -R "$BUSER:$BUSER" "$BHOME/.m2"
    m2note="~/.m2 seeded with a copy of root's ($(du -sh "$BHOME/.m2/repository" | cut -f1))"
else
    m2note="empty ~/.m2: every artifact from Maven Central"
fi
NBCLIENT_INIT=$(/usr/bin/python3 -c 'import nbclient; print(nbclient.__file__)' 2>/dev/null)
FAKE="$LOGS/hidden_module.py"
echo 'raise ImportError("hidden by bench/binder_check.sh: Binder has no Debian Jupyter modules")' >"$FAKE"
chmod 644 "$FAKE"
t=$SECONDS
if [[ -n "$NBCLIENT_INIT" ]] && unshare -m true 2>/dev/null; then
    hidden="nbclient hidden from /usr/bin/python3"
    cat >"$LOGS/postBuild_hidden.sh" <<EOF
mount --bind '$FAKE' '$NBCLIENT_INIT' || exit 97
exec runuser -u '$BUSER' -- env -i HOME='$BHOME' USER='$BUSER' LOGNAME='$BUSER' LANG=C.UTF-8 \\
    PATH='$UPATH' SHELL=/bin/bash bash -c \\
    'cd "\$HOME" && { /usr/bin/python3 -c "import nbclient" 2>/dev/null && echo NBCLIENT-VISIBLE; ./binder/postBuild; }'
EOF
    unshare -m --propagation private -- bash "$LOGS/postBuild_hidden.sh" >"$LOGS/postBuild.log" 2>&1
    rc=$?
else
    hidden="Debian's Jupyter visible (no unshare -m here)"
    as_user "./binder/postBuild" >"$LOGS/postBuild.log" 2>&1
    rc=$?
fi
pb_s=$((SECONDS - t))
mvn_version=$(as_user "mvn -v 2>/dev/null | head -n 1" | sed 's/ (.*//')
m2note="$m2note; $mvn_version"
setup_line=$(grep '^setup.sh:' "$LOGS/postBuild.log" | tail -n1)
if ((rc == 0)) && ! grep -q NBCLIENT-VISIBLE "$LOGS/postBuild.log"; then
    row "postBuild as $BUSER" PASS "exit 0 in ${pb_s} s ($m2note; $hidden); ${setup_line:-no setup.sh line}"
else
    row "postBuild as $BUSER" FAIL "exit $rc in ${pb_s} s ($hidden): $(tail -n 5 "$LOGS/postBuild.log" | tr '\n' ' ')"
fi
if [[ "$setup_line" =~ apt:\ skipped\ \(not\ root\;\ +using\ the\ Jupyter\ on\ PATH ]]; then
    row "setup.sh Binder branch" PASS "took the non-root 'Jupyter on PATH' branch"
elif [[ "$hidden" == nbclient* ]]; then
    row "setup.sh Binder branch" FAIL "expected 'apt: skipped (not root; using the Jupyter on PATH ...)', got: ${setup_line:-nothing}"
fi

# --- 5. what postBuild left -------------------------------------------------------------------------
KDIR="$BHOME/.local/share/jupyter/kernels/java"
spec="$KDIR/kernel.json"
if [[ -f "$spec" ]] && grep -q '"-Xmx1200m"' "$spec" && [[ -s "$KDIR/rjk.jar" && -f "$KDIR/launcher/SafeKernelLauncher.class" ]]; then
    row "kernelspec" PASS "$spec: -Xmx1200m, rjk.jar + SafeKernelLauncher.class"
else
    row "kernelspec" FAIL "$spec missing or without -Xmx1200m / rjk.jar / launcher: $(tr -d '\n ' <"$spec" 2>/dev/null | head -c 300)"
fi
if [[ -s "$BHOME/target/seqbook.jar" ]]; then
    row "helper jar" PASS "target/seqbook.jar $(du -h "$BHOME/target/seqbook.jar" | cut -f1)"
else
    row "helper jar" FAIL "target/seqbook.jar not built"
fi
if [[ -e "$BHOME/.m2/repository" ]]; then
    row "~/.m2 cleaned" FAIL "$BHOME/.m2/repository still there ($(du -sh "$BHOME/.m2/repository" | cut -f1))"
else
    row "~/.m2 cleaned" PASS "postBuild removed ~/.m2/repository (the image keeps only the shaded jar)"
fi
foreign=$(find "$BHOME" ! -user "$BUSER" 2>/dev/null | head -n 5)
if [[ -z "$foreign" ]]; then
    row "file ownership" PASS "everything in $BHOME owned by $BUSER"
else
    row "file ownership" FAIL "not owned by $BUSER: $foreign"
fi
# a second run, with postBuild's heap setting: nothing fetched or compiled, kernel.json the same
spec_before=$(md5sum <"$spec" 2>/dev/null)
again=$(as_user "SEQBOOK_KERNEL_XMX=1200m bash src/scripts/setup.sh" 2>&1 | tail -n 1)
if [[ "$again" == setup.sh:* && "$again" != *fetched* && "$again" != *compiled* \
        && "$(md5sum <"$spec" 2>/dev/null)" == "$spec_before" ]]; then
    row "setup.sh idempotent" PASS "second run fetched and compiled nothing, same kernel.json: $again"
else
    row "setup.sh idempotent" FAIL "second run: $again"
fi

# --- 6. the user's Jupyter server sees the kernelspec ---------------------------------------------------
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_hex(16))')
runuser -u "$BUSER" -- env -i HOME="$BHOME" USER="$BUSER" LANG=C.UTF-8 PATH="$UPATH" \
    setsid /usr/bin/python3 -m notebook --no-browser --ip=127.0.0.1 --port="$PORT" --port-retries=0 \
    --NotebookApp.token="$TOKEN" --notebook-dir="$BHOME" >"$LOGS/server.log" 2>&1 &
SERVER=$!
specs=""
for _ in $(seq 1 120); do
    specs=$(curl -sf -H "Authorization: token $TOKEN" "http://127.0.0.1:$PORT/api/kernelspecs" 2>/dev/null) && break
    sleep 0.5
done
curl -sf -X POST -H "Authorization: token $TOKEN" "http://127.0.0.1:$PORT/api/shutdown" >/dev/null 2>&1
for _ in $(seq 1 20); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.5; done
kill -TERM "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null
printf '%s' "$specs" >"$LOGS/kernelspecs.json"
seen=$(/usr/bin/python3 - "$LOGS/kernelspecs.json" "$KDIR" <<'EOF' 2>&1
import json, sys
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        k = json.load(f).get("kernelspecs", {}).get("java")
except ValueError:
    k = None
if k:
    argv = k["spec"]["argv"]
    here = any(sys.argv[2] in a for a in argv)
    xmx = next((a for a in argv if a.startswith("-Xmx")), "?")
    print(f'{k["spec"]["display_name"]}, {xmx}, ' + ("from " + sys.argv[2] if here else "NOT from " + sys.argv[2]))
EOF
)
if [[ "$seen" == "Java (seqbook), -Xmx1200m, from $KDIR" ]]; then
    row "server lists kernel" PASS "GET /api/kernelspecs as $BUSER: java = $seen"
else
    row "server lists kernel" FAIL "GET /api/kernelspecs: ${seen:-no java kernelspec} (see $LOGS/server.log)"
fi

# --- 7. the kernel runs notebook 01 in quick mode, in a memory cgroup -----------------------------------------
CG=""
memnote="no memory limit"
if [[ "$MEM" != none ]]; then
    bytes=$(numfmt --from=iec "${MEM^^}" 2>/dev/null)
    cgroot=/sys/fs/cgroup/memory
    if [[ -n "$bytes" && -w "$cgroot" ]] && mkdir "$cgroot/binder_check_$$" 2>/dev/null \
            && echo "$bytes" >"$cgroot/binder_check_$$/memory.limit_in_bytes" 2>/dev/null; then
        CG="$cgroot/binder_check_$$"
        memnote="memory cgroup limit $MEM"
    else
        [[ -n "$bytes" && -d "$cgroot" ]] && rmdir "$cgroot/binder_check_$$" 2>/dev/null
        memnote="no memory limit (cgroup v1 memory controller not writable here)"
    fi
fi
t=$SECONDS
cat >"$LOGS/runner_as_user.sh" <<EOF
${CG:+echo \$\$ >'$CG/cgroup.procs' || exit 97}
exec runuser -u '$BUSER' -- env -i HOME='$BHOME' USER='$BUSER' LOGNAME='$BUSER' LANG=C.UTF-8 \\
    PATH='$UPATH' SHELL=/bin/bash bash -c \\
    'cd "\$HOME" && exec /usr/bin/python3 src/scripts/run_notebooks.py --quick notebooks/01_basic_rnns.ipynb'
EOF
# watch the kernel JVM the runner starts: its real command line (heap) goes to kernel_cmd.txt
( while sleep 1; do pgrep -u "$BUSER" -a -f SafeKernelLauncher >>"$LOGS/kernel_cmd.txt" 2>/dev/null; done ) &
WATCH=$!
bash "$LOGS/runner_as_user.sh" >"$LOGS/runner.log" 2>&1
rc=$?
kill "$WATCH" 2>/dev/null
wait "$WATCH" 2>/dev/null
run_s=$((SECONDS - t))
peak=""
if [[ -n "$CG" ]]; then
    peak="peak $(numfmt --to=iec "$(cat "$CG/memory.max_usage_in_bytes")")B, $(cat "$CG/memory.failcnt") limit hits"
fi
summary=$(grep -E '^\s+(ok|FAILED) in' "$LOGS/runner.log" | head -n 1 | sed 's/^ *//')
if ((rc == 0)) && grep -q '1/1 notebooks ok' "$LOGS/runner.log"; then
    row "notebook 01 quick" PASS "exit 0 in ${run_s} s: $summary; $memnote${peak:+, $peak}"
else
    row "notebook 01 quick" FAIL "exit $rc in ${run_s} s: $(grep -E 'FAILED|error|died' "$LOGS/runner.log" | head -n 3 | tr '\n' ' ') $memnote${peak:+, $peak}"
fi
xmx=$(grep -o -- '-Xmx[0-9]*[mg]' "$LOGS/kernel_cmd.txt" 2>/dev/null | sort -u | tr '\n' ' ')
if [[ "$xmx" == "-Xmx1200m " ]] && grep -q -- "-cp $KDIR/rjk.jar" "$LOGS/kernel_cmd.txt"; then
    row "kernel JVM" PASS "ran from $KDIR with -Xmx1200m (seen in ps while the notebook ran)"
else
    row "kernel JVM" FAIL "heap seen in ps: ${xmx:-no kernel JVM seen}; $(head -c 300 "$LOGS/kernel_cmd.txt" 2>/dev/null)"
fi

# --- 8. nothing left running ---------------------------------------------------------------------------
sleep 2
left=$(pgrep -u "$BUSER" -a 2>/dev/null | cut -c1-120)
if [[ -z "$left" ]]; then
    row "no leftover processes" PASS "no process of $BUSER running"
else
    row "no leftover processes" FAIL "$(echo "$left" | tr '\n' ';')"
    kill_user_procs
fi
if [[ -n "$CG" ]]; then
    rmdir "$CG" 2>/dev/null || true
fi

echo
printf '%-24s | %-4s | %s\n' check result detail
printf '%-24s-+-%-4s-+-%s\n' "------------------------" "----" "------"
for r in "${ROWS[@]}"; do
    IFS='|' read -r c s d <<<"$r"
    printf '%-24s | %-4s | %s\n' "$c" "$s" "$d"
done
echo
echo "binder_check: $((${#ROWS[@]} - FAILS)) of ${#ROWS[@]} rows without FAIL in $((SECONDS - T0)) s; logs in $LOGS"
((FAILS == 0))
