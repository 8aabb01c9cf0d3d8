#!/usr/bin/python3
"""Interrupts through a real Jupyter client against an installed Java kernel (Jupyter's "Interrupt" button).

Run with /usr/bin/python3 (the Python that has Debian's jupyter_client):

    /usr/bin/python3 src/test/kernel/interrupt_check.py [--repeat N] [--kernel java] [--jar target/seqbook.jar]
                     [--after 3] [--limit 5] [--no-fit] [--stock]

Starts the kernel once, then N rounds of:
  1. a cell `Thread.sleep(60000); "slept"`, interrupt_request after --after seconds: the cell must end (execute_reply
     and status idle) within --limit seconds of the interrupt with an error whose name or text says "interrupt";
     then the same for a busy loop that ignores interrupts;
  2. (unless --no-fit; needs --jar) a cell that trains an LSTM for 20 epochs with Training.fit, interrupted the
     same way: same checks, and the fit's own message ("interrupted in epoch ...") must be in the output;
  3. no thread of an interrupted cell may still run user code (the busy loop's is stopped 8 s after the interrupt);
     the cell `1 + 1` must return 2, and `System.out.println("x")` must print x, each within 20 s.
Prints one line per check and "N passed, M failed" at the end; exit status 1 on any failure.
--stock runs the kernelspec with rapaio's stock entry point (java -jar rjk.jar) instead of the project's launcher.
"""
import argparse
import json
import os
import queue
import shutil
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

PREPARE_CELL = """
import io.github.seqbook.data.*;
import io.github.seqbook.models.*;
import io.github.seqbook.training.*;
org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.FLOAT);
var interruptData = SeriesData.sequenceToSequence(50, 10);
var interruptModel = Models.lstm(50, 10);
"""
FIT_CELL = "Training.fit(interruptModel, interruptData.train(), interruptData.valid(), 20);"


def stock_spec(kernel_name, root):
    src = KernelSpecManager().get_kernel_spec(kernel_name)
    argv = list(src.argv)
    i = argv.index("-cp")
    argv[i:i + 3] = ["-jar", os.path.join(src.resource_dir, "rjk.jar")]
    spec = src.to_dict()
    spec["argv"] = argv
    dest = os.path.join(root, "kernels", "java-stock")
    os.makedirs(dest)
    with open(os.path.join(dest, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f)
    return "java-stock"


class Cell:
    """One execute_request and everything the kernel published for it."""

    def __init__(self, kc, code):
        self.kc = kc
        self.msg_id = kc.execute(code, store_history=True, allow_stdin=False)
        self.reply = None
        self.idle = False
        self.outputs = []

    def text(self):
        parts = []
        for m in self.outputs:
            c = m["content"]
            if m["msg_type"] == "stream":
                parts.append(c.get("text", ""))
            elif m["msg_type"] in ("execute_result", "display_data"):
                parts.append(c.get("data", {}).get("text/plain", ""))
            elif m["msg_type"] == "error":
                parts.append(f"{c.get('ename')}: {c.get('evalue')}\n" + "\n".join(c.get("traceback", [])))
        if self.reply is not None and self.reply.get("status") == "error":
            parts.append(f"{self.reply.get('ename')}: {self.reply.get('evalue')}")
        return "\n".join(parts)

    def wait(self, seconds):
        """Collects iopub and the shell reply until the reply and the idle status are in, or the time is up."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (self.reply is not None and self.idle):
            left = max(0.01, deadline - time.monotonic())
            try:
                msg = self.kc.get_iopub_msg(timeout=min(0.2, left))
                if msg["parent_header"].get("msg_id") == self.msg_id:
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        self.idle = True
                    elif msg["msg_type"] in ("stream", "execute_result", "display_data", "error"):
                        self.outputs.append(msg)
            except queue.Empty:
                pass
            try:
                msg = self.kc.get_shell_msg(timeout=0.01)
                if msg["parent_header"].get("msg_id") == self.msg_id:
                    self.reply = msg["content"]
            except queue.Empty:
                pass
        return self.reply is not None and self.idle

    def result(self):
        for m in self.outputs:
            if m["msg_type"] == "execute_result":
                return m["content"]["data"].get("text/plain", "").strip()
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--kernel", default="java")
    ap.add_argument("--jar", default=None, help="helper jar for the Training.fit check")
    ap.add_argument("--after", type=float, default=3.0, help="seconds before interrupt_request")
    ap.add_argument("--limit", type=float, default=5.0, help="seconds allowed from interrupt to the cell's end")
    ap.add_argument("--no-fit", action="store_true")
    ap.add_argument("--stock", action="store_true")
    args = ap.parse_args()
    fit = not args.no_fit
    if fit and not (args.jar and os.path.isfile(args.jar)):
        print(f"--jar: the helper jar is needed for the Training.fit check (got {args.jar}); or pass --no-fit")
        return 2

    tmp = tempfile.mkdtemp(prefix="interrupt_check_")
    kernel = args.kernel
    if args.stock:
        os.environ["JUPYTER_PATH"] = tmp + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        kernel = stock_spec(args.kernel, tmp)
    env = dict(os.environ, OMP_NUM_THREADS="1", SEQBOOK_QUICK="1")
    km = KernelManager(kernel_name=kernel)
    log = open(os.path.join(tmp, "kernel.log"), "wb")
    km.start_kernel(env=env, stdout=log, stderr=log)
    kc = km.client()
    kc.start_channels()
    passed = failed = 0

    def check(ok, what, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok    {what}", flush=True)
        else:
            failed += 1
            print(f"FAIL  {what}" + (f"\n      {detail.strip()[:1500]}" if detail else ""), flush=True)
        return ok

    def interrupted(code, label, expect_text=None):
        cell = Cell(kc, code)
        finished_early = cell.wait(args.after)
        if finished_early:
            return check(False, f"{label}: ended before the interrupt", cell.text())
        t0 = time.monotonic()
        km.interrupt_kernel()
        ended = cell.wait(args.limit)
        took = time.monotonic() - t0
        text = cell.text()
        what = (f"{label}: ended {took:.1f} s after the interrupt (limit {args.limit:.0f} s)" if ended
                else f"{label}: did not end within {args.limit:.0f} s of the interrupt")
        if not check(ended, what,
                     "no execute_reply/idle; output so far:\n" + text):
            cell.wait(30)  # let it settle before the next check
            return False
        ok = cell.reply.get("status") == "error" and "interrupt" in text.lower()
        check(ok, f"{label}: reported as interrupted", text)
        if expect_text is not None:
            check(expect_text in text, f"{label}: says '{expect_text}'", text)
        return ok

    try:
        kc.wait_for_ready(timeout=60)
        if fit:
            setup = Cell(kc, f"%classpath {os.path.abspath(args.jar)}")
            setup.wait(60)
            check(setup.reply is not None and setup.reply.get("status") == "ok", "%classpath loads the helper jar",
                  setup.text())
            prepare = Cell(kc, PREPARE_CELL)  # ND4J's first use loads native code for seconds: not part of the check
            prepare.wait(120)
            check(prepare.reply is not None and prepare.reply.get("status") == "ok", "ND4J and the data ready",
                  prepare.text())
        for r in range(1, args.repeat + 1):
            print(f"-- round {r}/{args.repeat}", flush=True)
            interrupted('Thread.sleep(60000); "slept"', "Thread.sleep(60000)")
            # user code that ignores interrupts: the kernel cancels the cell, then stops its thread
            interrupted("long spins = 0; while (spins >= 0) { spins++; }", "busy loop ignoring interrupts")
            if fit:
                interrupted(FIT_CELL, "Training.fit(LSTM, 20 epochs)", "interrupted in epoch")
            # a cell thread that ignored the interrupt is stopped 8 s after it: none may still spin
            spin = Cell(kc, 'Thread.sleep(4000); Thread.getAllStackTraces().keySet().stream().filter(t -> t != '
                            'Thread.currentThread() && t.getName().startsWith("Engine-thread") && t.getState() == '
                            'Thread.State.RUNNABLE).count()')
            spin.wait(20)
            check(spin.result() == "0", "no cell thread left running", f"got {spin.result()!r}; {spin.text()}")
            two = Cell(kc, "1 + 1")
            two.wait(20)
            check(two.result() == "2", "next cell 1 + 1 returns 2", f"got {two.result()!r}; {two.text()}")
            out = Cell(kc, 'System.out.println("x")')
            out.wait(20)
            check(out.text().strip() == "x", "next cell prints x", repr(out.text()))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        log.close()
        if failed:
            print(f"kernel log: {os.path.join(tmp, 'kernel.log')}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
