#!/usr/bin/python3
"""Inject faults into notebook runs and check what src/scripts/run_notebooks.py reports.

Run with /usr/bin/python3 (the Python that has Debian's Jupyter packages), after src/scripts/setup.sh:

    /usr/bin/python3 bench/runner_faults.py [--keep]

Builds small throwaway notebooks (kernel "java", no %classpath setup line) in a temp dir and runs the real runner on them:

  a  a cell throws                 -> that notebook FAILED with cell number and error, the next one ok, exit != 0
  b  a cell over --timeout 5       -> FAILED with "no reply within --timeout 5 s"
  c1 the kernel halts (halt(137))  -> "kernel died while running cell #N (exit status 137)", next notebook ok
  c2 the kernel kill -9s itself    -> "kernel died while running cell #N (exit status -9)"
  d  a kernel start that hangs     -> "kernel start hung, retry k/3" for k=1..3, then "kernel start hung 4 times",
     (kernelspec "fault-hang" via SEQBOOK_KERNEL_NAME whose argv is `sleep 600`: never answers)
  e  the runner is SIGKILLed       -> its kernel exits by itself (SafeKernelLauncher watches JPY_PARENT_PID)

After every case: no process the case started is left. Each runner run gets a unique tag in its environment
(SEQBOOK_FAULT_TAG), which every kernel it starts inherits; `ps` before and after the case is compared and a new
process still carrying the tag is an orphan (killed here by pid, and the case FAILs). Other processes that
appear meanwhile (other users of the machine) are ignored. While the runner runs, the kernel processes carrying
the tag are recorded (a case where none is seen FAILs: its orphan check would prove nothing). Prints a table fault | expected | observed | result
and exits 1 on any FAIL.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import nbformat

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(REPO, "src", "scripts", "run_notebooks.py")


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "java", "display_name": "Java (seqbook)", "language": "java"}
    nb.cells = [nbformat.v4.new_markdown_cell("throwaway notebook of bench/runner_faults.py")]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def processes():
    """{(pid, start time): command line} of every process now."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            start = stat.rsplit(")", 1)[1].split()[19]  # field 22: start time
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError):
            continue
        out[(int(name), start)] = cmd
    return out


def carries(pid, tag):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return tag.encode() in f.read()
    except OSError:
        return False


def orphans(before, tag, wait_s=10):
    """New processes (not in `before`) that carry the tag, after giving them wait_s to exit."""
    deadline = time.monotonic() + wait_s
    while True:
        left = {k: v for k, v in processes().items() if k not in before and carries(k[0], tag)}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def run_case(tmp, name, notebooks, extra_args=(), env_extra=None, limit_s=600):
    tag = f"runner_faults_{name}_{uuid.uuid4().hex[:8]}"
    env = dict(os.environ)
    env.pop("SEQBOOK_KERNEL_NAME", None)
    env.pop("SEQBOOK_QUICK", None)
    env["SEQBOOK_FAULT_TAG"] = tag
    env["JUPYTER_RUNTIME_DIR"] = os.path.join(tmp, "runtime")  # connection files stay in the temp dir
    env.update(env_extra or {})
    out_dir = os.path.join(tmp, "out_" + name)
    cmd = ["/usr/bin/python3", RUNNER, "--out", out_dir, *extra_args, *notebooks]
    before = processes()
    log_path = os.path.join(tmp, f"{name}.log")
    t0 = time.monotonic()
    seen = {}  # processes started by the runner (kernels), seen carrying the tag while it ran
    with open(log_path, "w", encoding="utf-8") as log:
        p = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while p.poll() is None:
            if time.monotonic() - t0 > limit_s:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                log.write(f"\n[runner_faults: runner killed after {limit_s} s]\n")
                break
            for key, cmdline in processes().items():
                if key[0] != p.pid and key not in before and key not in seen and carries(key[0], tag):
                    seen[key] = cmdline
            time.sleep(0.25)
    with open(log_path, encoding="utf-8") as f:
        output = f.read()
    seconds = time.monotonic() - t0
    left = orphans(before, tag)
    for (pid, _start), _cmd in left.items():
        try:
            os.kill(pid, signal.SIGKILL)  # ours: it carries this case's tag
        except ProcessLookupError:
            pass
    return {"rc": p.returncode, "out": output, "seconds": seconds, "orphans": left, "out_dir": out_dir,
            "seen": seen}


def summary_line(out, stem):
    m = re.search(rf"^FAILED {re.escape(stem)}: (.*)$", out, re.M)
    return m.group(1) if m else None


def status_of(out, stem):
    m = re.search(rf"^{re.escape(stem)}\s+(\S+)\s", out, re.M)
    return m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (notebooks, runner logs)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="runner_faults_")
    nbs = os.path.join(tmp, "notebooks")
    os.makedirs(nbs)
    os.makedirs(os.path.join(tmp, "runtime"))
    rows = []

    def row(fault, expected, observed, ok, res):
        kernels = [c for c in res["seen"].values() if "SafeKernelLauncher" in c or c.startswith("/bin/sleep")]
        if not kernels:
            ok = False  # the orphan check would be vacuous: the tag was not seen on any kernel process
            observed += "; no kernel process seen carrying the tag"
        if res["orphans"]:
            ok = False
            observed += "; ORPHANS: " + "; ".join(f"{pid} {cmd[:80]}" for (pid, _), cmd in res["orphans"].items())
        else:
            observed += f"; {len(kernels)} kernel process(es) seen, none left"
        rows.append((fault, expected, observed, "PASS" if ok else "FAIL"))
        print(f"[{rows[-1][3]}] {fault} ({res['seconds']:.0f} s)", flush=True)
        if not ok:
            print("    runner output:\n" + "\n".join("    | " + l for l in res["out"].splitlines()[-25:]), flush=True)

    # a: a cell that throws; the next notebook still runs
    fa = notebook(os.path.join(nbs, "fa_throws.ipynb"), "int x = 41;", 'System.out.println("before " + (x + 1));',
                  'if (x > 0) throw new IllegalStateException("fault-a boom");', 'System.out.println("never");')
    fb = notebook(os.path.join(nbs, "fb_after.ipynb"), 'System.out.println("after the failed notebook");')
    r = run_case(tmp, "a", [fa, fb])
    err = summary_line(r["out"], "fa_throws")
    ok = (r["rc"] != 0 and err is not None and "cell #3" in err and "In [3]" in err
          and "IllegalStateException: fault-a boom" in err and status_of(r["out"], "fb_after") == "ok"
          and "1/2 notebooks ok" in r["out"])
    row("a: cell throws", "FAILED fa_throws: cell #3 (In [3]) IllegalStateException: fault-a boom; fb_after ok; exit != 0",
        f"exit {r['rc']}; FAILED fa_throws: {err}; fb_after {status_of(r['out'], 'fb_after')}", ok, r)

    # b: a cell over its timeout
    fc = notebook(os.path.join(nbs, "fc_sleeps.ipynb"), 'System.out.println("start");', "Thread.sleep(60000);",
                  'System.out.println("never");')
    r = run_case(tmp, "b", [fc], ["--timeout", "5"])
    err = summary_line(r["out"], "fc_sleeps")
    ok = r["rc"] != 0 and err is not None and "no reply within --timeout 5 s" in err and "cell #2" in err \
        and r["seconds"] < 60
    row("b: cell over --timeout 5", "FAILED fc_sleeps: cell #2: no reply within --timeout 5 s (well before 60 s)",
        f"exit {r['rc']} after {r['seconds']:.0f} s; FAILED fc_sleeps: {err}", ok, r)

    # c1: the kernel halts mid-notebook; the next notebook gets a fresh kernel
    fd = notebook(os.path.join(nbs, "fd_halts.ipynb"), 'System.out.println("alive");',
                  "Runtime.getRuntime().halt(137);", 'System.out.println("never");')
    fe = notebook(os.path.join(nbs, "fe_after.ipynb"), 'System.out.println("fresh kernel");')
    r = run_case(tmp, "c1", [fd, fe])
    err = summary_line(r["out"], "fd_halts")
    ok = (r["rc"] != 0 and err is not None and "kernel died while running cell #2" in err
          and "exit status 137" in err and status_of(r["out"], "fe_after") == "ok")
    row("c1: kernel halt(137)", "FAILED fd_halts: kernel died while running cell #2 (exit status 137); fe_after ok",
        f"exit {r['rc']}; FAILED fd_halts: {err}; fe_after {status_of(r['out'], 'fe_after')}", ok, r)

    # c2: the kernel kills itself with SIGKILL
    ff = notebook(os.path.join(nbs, "ff_kill9.ipynb"), 'System.out.println("alive");',
                  'new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid())).start().waitFor();',
                  'System.out.println("never");')
    r = run_case(tmp, "c2", [ff])
    err = summary_line(r["out"], "ff_kill9")
    ok = r["rc"] != 0 and err is not None and "kernel died while running cell #2" in err and "exit status -9" in err
    row("c2: kernel kill -9 self", "FAILED ff_kill9: kernel died while running cell #2 (exit status -9)",
        f"exit {r['rc']}; FAILED ff_kill9: {err}", ok, r)

    # d: a kernel start that hangs: throwaway kernelspec whose process never answers
    kdir = os.path.join(tmp, "jupyter", "kernels", "fault-hang")
    os.makedirs(kdir)
    with open(os.path.join(kdir, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump({"argv": ["/bin/sleep", "600"], "display_name": "never answers", "language": "java"}, f)
    fg = notebook(os.path.join(nbs, "fg_hang.ipynb"), 'System.out.println("never");')
    r = run_case(tmp, "d", [fg], env_extra={"SEQBOOK_KERNEL_NAME": "fault-hang",
                                            "JUPYTER_PATH": os.path.join(tmp, "jupyter")})
    err = summary_line(r["out"], "fg_hang")
    retries = re.findall(r"kernel start hung, retry (\d)/3", r["out"])
    klog = os.path.join(r["out_dir"], "logs", "fg_hang.kernel.log")
    starts = 0
    if os.path.exists(klog):
        with open(klog, encoding="utf-8", errors="replace") as f:
            starts = len(re.findall(r"=== kernel start \d", f.read()))
    ok = (r["rc"] != 0 and retries == ["1", "2", "3"] and err is not None and "kernel start hung 4 times" in err
          and starts == 4)
    row("d: kernel start hangs", "retry 1/3, 2/3, 3/3; FAILED fg_hang: kernel start hung 4 times; 4 sleeps killed",
        f"exit {r['rc']} after {r['seconds']:.0f} s; retries {'/'.join(retries) or 'none'}; {starts} starts; "
        f"FAILED fg_hang: {err}", ok, r)

    # e (extra): the runner itself is SIGKILLed mid-cell, so nobody shuts the kernel down: the kernel must exit
    # by itself (SafeKernelLauncher watches JPY_PARENT_PID) within the 10 s the orphan check waits
    fh = notebook(os.path.join(nbs, "fh_runner_killed.ipynb"), 'System.out.println("start");',
                  "Thread.sleep(120000);")
    r = run_case(tmp, "e", [fh], ["--timeout", "600"], limit_s=20)
    killed = "[runner_faults: runner killed after 20 s]" in r["out"]
    row("e: runner SIGKILLed", "runner killed at 20 s mid-cell; its kernel exits by itself (parent gone)",
        f"runner {'killed' if killed else 'NOT killed'} after {r['seconds']:.0f} s", killed, r)

    widths = [max(len(x[i]) for x in rows + [("fault", "expected", "observed", "result")]) for i in range(4)]
    widths[2] = min(widths[2], 110)
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(("fault", "expected", "observed", "result"), widths)))
    print("-+-".join("-" * w for w in widths))
    for fault, expected, observed, res in rows:
        print(" | ".join(v.ljust(w) for v, w in zip((fault, expected, observed, res), widths)))
    failed = [x for x in rows if x[3] != "PASS"]
    print(f"\n{len(rows) - len(failed)}/{len(rows)} fault cases PASS; runner logs in {tmp}" if args.keep or failed
          else f"\n{len(rows) - len(failed)}/{len(rows)} fault cases PASS")
    if not (args.keep or failed):
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
