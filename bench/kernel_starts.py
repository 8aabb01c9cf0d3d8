#!/usr/bin/python3
"""Measure how often the Java kernel start hangs (never answers kernel_info_request).

Run with /usr/bin/python3 (the Python that has jupyter_client):

    /usr/bin/python3 bench/kernel_starts.py [N] [--timeout SEC] [--kernel NAME] [--stock]

Starts the kernel N times in a row with jupyter_client's KernelManager, waits at most --timeout seconds
for it to answer kernel_info_request, counts the starts that do not (hangs), kills every kernel by its
pid (process group) and prints "N starts, H hangs (rate)". --stock runs the same kernelspec but with
the stock entry point (java ... -jar rjk.jar) instead of SafeKernelLauncher, to show the race.
The kernel's stderr (and a jstack thread dump) of each hung start is kept in --logs DIR (default /tmp/kernel_starts_logs).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def make_stock_spec(kernel_name, tmp_root):
    """Copy kernelspec `kernel_name` into tmp_root as 'java-stock' with the stock entry point."""
    src = KernelSpecManager().get_kernel_spec(kernel_name)
    kdir = src.resource_dir
    argv = list(src.argv)
    if "-cp" in argv:
        i = argv.index("-cp")
        argv[i:i + 3] = ["-jar", os.path.join(kdir, "rjk.jar")]  # -cp CP MainClass -> -jar rjk.jar
    spec = src.to_dict()
    spec["argv"] = argv
    spec["display_name"] = "Java (stock MainApp)"
    dest = os.path.join(tmp_root, "kernels", "java-stock")
    os.makedirs(dest)
    with open(os.path.join(dest, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1)
    return "java-stock", argv


def kill_kernel(km):
    """SIGKILL the kernel's process group (it runs in a session of its own), then reap it."""
    proc = getattr(km.provisioner, "process", None) if km.provisioner else None
    if proc is not None and proc.poll() is None:  # not reaped yet: the pid is still the kernel's
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        try:
            proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - best effort
            pass
    try:
        km.cleanup_resources()
    except Exception:  # noqa: BLE001
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=50, help="number of starts (default 50)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for ready (default 10)")
    ap.add_argument("--kernel", default="java", help="kernelspec name (default java)")
    ap.add_argument("--stock", action="store_true", help="use the stock MainApp entry point")
    ap.add_argument("--logs", default="/tmp/kernel_starts_logs", help="where to keep stderr of hung starts")
    args = ap.parse_args()

    tmp_root = tempfile.mkdtemp(prefix="kernel_starts_")
    kernel_name = args.kernel
    if args.stock:
        kernel_name, argv = make_stock_spec(args.kernel, tmp_root)
        os.environ["JUPYTER_PATH"] = tmp_root + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        print("stock argv:", " ".join(argv), flush=True)
    os.makedirs(args.logs, exist_ok=True)

    hangs, ready_times, npe_hangs, restarts, uncaught = 0, [], 0, 0, 0
    try:
        for i in range(1, args.n + 1):
            log_path = os.path.join(tmp_root, f"start{i}.log")
            with open(log_path, "wb") as log:
                km = KernelManager(kernel_name=kernel_name)
                t0 = time.monotonic()
                km.start_kernel(stdout=log, stderr=log)
                kc = km.client()
                kc.start_channels()
                try:
                    kc.wait_for_ready(timeout=args.timeout)
                    ready_times.append(time.monotonic() - t0)
                    status = f"ready {ready_times[-1]:.2f}s"
                except RuntimeError as e:
                    hangs += 1
                    alive = km.is_alive()
                    status = f"HANG ({e}; process alive={alive})"
                    if alive and shutil.which("jstack"):  # thread dump of the hung kernel into its log
                        log.flush()
                        subprocess.run(["jstack", str(km.provisioner.process.pid)], stdout=log,
                                       stderr=subprocess.STDOUT, timeout=30, check=False)
                finally:
                    kc.stop_channels()
                    kill_kernel(km)
            with open(log_path, encoding="utf-8", errors="replace") as f:
                # SafeKernelLauncher logs each loop thread it had to restart (LoopThread.start race)
                text = f.read()
                restarts += text.count("(LoopThread.start race)")
                uncaught += text.count("uncaught exception in thread")
            if status.startswith("HANG"):
                kept = os.path.join(args.logs, f"hang{hangs}.log")
                shutil.copy(log_path, kept)
                with open(kept, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if "NullPointerException" in text or "handlers" in text:
                    npe_hangs += 1
                status += f" stderr: {kept}"
            print(f"start {i:3d}/{args.n}: {status}", flush=True)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    n = args.n
    med = statistics.median(ready_times) if ready_times else float("nan")
    print(f"ready time: median {med:.2f}s, max {max(ready_times, default=float('nan')):.2f}s; "
          f"hangs whose stderr shows the handlers NPE: {npe_hangs}; "
          f"SafeKernelLauncher logged: {restarts} loop threads restarted, "
          f"{uncaught} threads killed by an uncaught exception")
    print(f"{n} starts, {hangs} hangs ({hangs / n:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
