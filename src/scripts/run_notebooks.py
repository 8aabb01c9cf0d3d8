#!/usr/bin/python3
"""Execute the Java notebooks headless and write executed .ipynb + .html copies and a results table.

Usage (with /usr/bin/python3, the Python that has Debian's Jupyter packages):

    run_notebooks.py [--quick] [--out DIR] [--timeout SEC] [notebooks...]

Default: every notebooks/*.ipynb (sorted), output in target/notebooks. For each notebook the "java"
kernel (src/scripts/setup.sh) is started with the notebook's folder as working directory and the
environment variables SEQBOOK_QUICK=1 (with --quick, or when already set to 1) and
SEQBOOK_RESULTS_DIR=<out>/results (where a notebook writes <notebook-stem>.csv). A start that does not
become ready within 20 s is killed and retried (up to 3 times). A failing cell marks the notebook as
failed; the partly executed notebook is still saved and the run goes on with the next one.

While a notebook runs, progress shows the code cell k/N, the seconds so far (and the notebook's time in its last
recorded run, from <out>/timings.json) and the newest "Epoch e/E ..." line printed by the running cell: on one
updating line in a terminal, as plain lines otherwise (CI logs: at most one every 10 s, at least one every 30 s).

Writes <out>/<stem>.ipynb, <out>/<stem>.html, <out>/logs/<stem>.kernel.log (the kernel JVM's own
stdout/stderr), <out>/timings.json (per notebook and mode: seconds, and the kernel's peak resident memory in MB,
which Binder's 2 GB limit applies to) and <out>/results.csv (all <out>/results/*.csv merged). Exit status 1 if a
notebook failed.
"""
import argparse
import asyncio
import csv
import glob
import html
import inspect
import json
import os
import shutil
import re
import signal
import sys
import time

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter

KERNEL_NAME = os.environ.get("SEQBOOK_KERNEL_NAME", "java")  # override only to test another kernelspec
STARTUP_TIMEOUT = 20
START_RETRIES = 3
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
STARTED = []  # Popen of every kernel started, killed at exit if still running
INTERRUPTED = []
JAR_OVERRIDE = []  # --jar: the helper jar to load instead of the one the notebooks name
SETUP_MAGIC = "%classpath "  # every notebook's first code cell: %classpath ../target/seqbook.jar (see NotebookDialectTest)


def on_signal(signum, _frame):
    INTERRUPTED.append(signum)
    raise KeyboardInterrupt


def log(msg):
    print(msg, flush=True)


class KernelStartError(Exception):
    pass


EPOCH_LINE = re.compile(r"Epoch \d+/\d+[^\r\n]*")


class Progress:
    """Where the running notebook is: code cell k/N, seconds so far, the newest Epoch line of the running cell."""

    PLAIN_MIN_GAP = 10.0   # plain lines: at most one every 10 s ...
    PLAIN_HEARTBEAT = 30.0  # ... and at least one every 30 s

    def __init__(self, n_cells, estimate=None, stream=None):
        self.n_cells = n_cells
        self.estimate = estimate
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.t0 = time.monotonic()
        self.cell = 0
        self.epoch = ""
        self.last_plain = ("", 0.0)  # (what was printed, when)
        self.shown = False

    def cell_started(self, k):
        self.cell = k
        self.epoch = ""

    def text(self, text):
        found = EPOCH_LINE.findall(text)
        if found:
            self.epoch = found[-1].strip()

    def line(self):
        elapsed = time.monotonic() - self.t0
        est = f" (last run {self.estimate:.0f} s)" if self.estimate else ""
        out = f"  cell {self.cell}/{self.n_cells}, {elapsed:.0f} s{est}"
        return out + (f" | {self.epoch}" if self.epoch else "")

    def tick(self):
        if self.cell == 0:
            return
        if self.tty:
            width = shutil.get_terminal_size((100, 20)).columns
            self.stream.write("\r\x1b[K" + self.line()[:max(20, width - 1)])
            self.stream.flush()
            self.shown = True
            return
        now = time.monotonic()
        what = (self.cell, self.epoch)
        printed, when = self.last_plain
        changed = what != printed
        if (changed and now - when >= self.PLAIN_MIN_GAP) or now - when >= self.PLAIN_HEARTBEAT:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_plain = (what, now)

    def clear(self):
        if self.tty and self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    async def run(self, every=1.0):
        try:
            while True:
                await asyncio.sleep(every)
                self.tick()
        except asyncio.CancelledError:
            self.clear()
            raise


class ProgressClient(NotebookClient):
    """nbclient's client, passing every stream output of the running cell to a Progress."""

    progress = None

    def output(self, outs, msg, display_id, cell_index):
        if self.progress is not None and msg.get("msg_type") == "stream":
            self.progress.text(msg.get("content", {}).get("text", ""))
        return super().output(outs, msg, display_id, cell_index)


def load_timings(out_dir):
    try:
        with open(os.path.join(out_dir, "timings.json"), encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_timing(out_dir, stem, mode, seconds, peak_rss_mb=None):
    timings = load_timings(out_dir)
    timings.setdefault(stem, {})[mode] = round(seconds, 1)
    if peak_rss_mb is not None:
        timings[stem][mode + "_kernel_peak_rss_mb"] = peak_rss_mb
    path = os.path.join(out_dir, "timings.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(timings, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def process_of(km):
    return getattr(km.provisioner, "process", None) if km is not None and km.provisioner else None


def kill_process(proc):
    """SIGKILL a kernel that is still running: its process group (jupyter_client starts the kernel in a
    session of its own), else its pid. Only a child not yet reaped is killed, so its pid cannot have been
    reused by another process."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except Exception:  # noqa: BLE001 - best effort
        pass


async def stop_kernel(km, kc, graceful=True):
    """Shut the kernel down (shutdown_request, then kill) and release its files and sockets."""
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:  # noqa: BLE001 - best effort
            pass
    proc = process_of(km)
    try:
        if graceful and await km.is_alive():
            km.shutdown_wait_time = 3.0
            await km.shutdown_kernel(now=False)
    except Exception:  # noqa: BLE001
        pass
    kill_process(proc)  # a kernel that ignored the request or was not asked
    try:
        res = km.cleanup_resources()
        if inspect.isawaitable(res):
            await res
    except Exception:  # noqa: BLE001
        pass


def peak_rss_mb(proc):
    """The kernel process's peak resident memory so far (Linux VmHWM, MB), or None where it cannot be read."""
    if proc is None:
        return None
    try:
        with open(f"/proc/{proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return None


def tail(path, n=15):
    """Last lines of the kernel log, or a note that it has nothing but our start banners."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
    except OSError:
        return ""
    if not any(not line.startswith("=== kernel start") for line in lines):
        return f"kernel log {path}: nothing but start banners"
    return f"kernel log {path}, last lines:\n" + "\n".join("    | " + line for line in lines[-n:])


async def start_kernel(cwd, kernel_log):
    """Start the kernel; kill and retry a start that hangs (no kernel_info_reply within 20 s)."""
    for attempt in range(START_RETRIES + 1):
        km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        kernel_log.write(f"\n=== kernel start {attempt + 1} at {time.strftime('%H:%M:%S')} ===\n".encode())
        kernel_log.flush()
        await km.start_kernel(cwd=cwd, stdout=kernel_log, stderr=kernel_log)
        STARTED.append(process_of(km))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            kc.allow_stdin = False
            return km, kc
        except RuntimeError as e:
            died = not await km.is_alive()
            await stop_kernel(km, kc, graceful=False)
            if died:
                raise KernelStartError(f"kernel process exited during start ({e})") from None
            if attempt == START_RETRIES:
                raise KernelStartError(f"kernel start hung {START_RETRIES + 1} times") from None
            log(f"  kernel start hung, retry {attempt + 1}/{START_RETRIES}")
    raise AssertionError("unreachable")


def count_images(nb):
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])
               if any(k.startswith("image/") for k in out.get("data", {})))


def error_summary(ename, evalue, traceback):
    """One line: the kernel reports EvalException/CompilerException; the real cause is in the traceback."""
    lines = [ANSI.sub("", line).strip() for line in (traceback or [])]
    lines = [line for line in lines if line]
    first = lines[0] if lines else ""
    if ename == "CompilerException":
        code = next((line[1:].strip() for line in lines if line.startswith("|")), "")
        msgs = [line for line in lines[1:] if not line.startswith("|") and set(line) - set(" ^")]
        detail = "; ".join(msgs[:2]) or evalue
        return f"compile error: {detail}" + (f" in `{code}`" if code else "")
    if first and first != f"{ename}:" and (evalue or "") in first:
        return first  # e.g. "java.lang.IllegalStateException: boom"
    return f"{ename}: {evalue}"


async def run_notebook(path, out_dir, cell_timeout, estimate=None):
    stem = os.path.splitext(os.path.basename(path))[0]
    nb_dir = os.path.dirname(os.path.abspath(path))
    nb = nbformat.read(path, as_version=4)
    if JAR_OVERRIDE:
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.strip().startswith(SETUP_MAGIC):
                log(f"  using {JAR_OVERRIDE[0]} instead of {cell.source.strip()[len(SETUP_MAGIC):]}")
                cell.source = SETUP_MAGIC + JAR_OVERRIDE[0]
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    # a notebook "01_basic_rnns" writes its results table to "01.csv" (Results.forNotebook("01"))
    result_csv = os.path.join(os.environ["SEQBOOK_RESULTS_DIR"], results_key(stem) + ".csv")
    if os.path.exists(result_csv):
        os.remove(result_csv)  # no stale results from an earlier run
    log_path = os.path.join(out_dir, "logs", stem + ".kernel.log")
    row = {"notebook": stem, "status": "ok", "seconds": 0.0, "cells": "", "images": 0, "error": None,
           "detail": None}
    state = {"index": None, "executed": 0}
    t0 = time.monotonic()
    km = kc = None
    progress = Progress(len(code_cells), estimate)
    ticker = asyncio.ensure_future(progress.run())
    with open(log_path, "wb") as kernel_log:
        try:
            km, kc = await start_kernel(nb_dir, kernel_log)
            client = ProgressClient(nb, km=km, kernel_name=KERNEL_NAME, timeout=cell_timeout,
                                    startup_timeout=STARTUP_TIMEOUT, resources={"metadata": {"path": nb_dir}})
            client.kc = kc
            client.progress = progress
            client.reset_execution_trackers()
            # same steps as NotebookClient.async_execute, on the kernel started above
            info = await client.async_wait_for_reply(kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                state["index"] = index
                progress.cell_started(state["executed"] + 1)
                await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                state["executed"] += 1
            client.set_widgets_metadata()
        except CellExecutionError as e:
            cell = nb.cells[state["index"]]
            row["status"] = "FAILED"
            row["error"] = (f"cell #{state['index']} (In [{cell.get('execution_count')}]): "
                            f"{error_summary(e.ename, e.evalue, error_traceback(cell))}")
            state["executed"] += 1
        except CellTimeoutError:
            row["status"] = "FAILED"
            row["error"] = f"cell #{state['index']}: no reply within --timeout {cell_timeout} s"
        except DeadKernelError:
            proc = process_of(km)
            code = proc.poll() if proc is not None else None
            row["status"] = "FAILED"
            where = f"running cell #{state['index']}" if state["index"] is not None else "starting"
            row["error"] = f"kernel died while {where} (exit status {code})"
            row["detail"] = tail(log_path)
        except KernelStartError as e:
            row["status"] = "FAILED"
            row["error"] = str(e)
            row["detail"] = tail(log_path)
        except (KeyboardInterrupt, asyncio.CancelledError):
            INTERRUPTED.append("cancelled")
        except Exception as e:  # noqa: BLE001 - anything else fails this notebook only
            row["status"] = "FAILED"
            row["error"] = f"{type(e).__name__}: {e} (at cell #{state['index']})"
            row["detail"] = tail(log_path)
        finally:
            ticker.cancel()
            try:
                await ticker
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - the ticker only prints
                pass
            if INTERRUPTED:
                row["status"] = "INTERRUPTED"
                row["error"] = f"interrupted in cell #{state['index']}"
                row["detail"] = None
            row["peak_rss_mb"] = peak_rss_mb(process_of(km))
            if km is not None:
                await stop_kernel(km, kc)
    row["seconds"] = time.monotonic() - t0
    row["cells"] = f"{state['executed']}/{len(code_cells)}"
    row["images"] = count_images(nb)
    nbformat.write(nb, os.path.join(out_dir, stem + ".ipynb"))
    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(os.path.join(out_dir, stem + ".html"), "w", encoding="utf-8") as f:
        f.write(body)
    return row


def error_traceback(cell):
    for out in reversed(cell.get("outputs", [])):
        if out.get("output_type") == "error":
            return out.get("traceback", [])
    return []


def results_key(stem):
    """The results file name of a notebook: its number, the part of the stem before the first '_'."""
    return stem.split("_", 1)[0]


def merge_results(results_dir, merged_path, fresh):
    files = sorted(glob.glob(os.path.join(results_dir, "*.csv")))
    if not files:
        return None
    header, rows = None, []
    for path in files:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            file_header = next(reader, None)
            if file_header is None:
                continue
            if header is None:
                header = file_header
            elif file_header != header:
                log(f"warning: {path} has header {file_header}, expected {header}: skipped")
                continue
            rows.extend(r for r in reader if r)
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem not in {results_key(f) for f in fresh}:
            log(f"note: {os.path.basename(path)} is from an earlier run (notebook not run now)")
    with open(merged_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return [header] + rows


def short_number(value):
    """4 significant digits for display; integers and '' stay as they are."""
    if value == "" or value.lstrip("-").isdigit():
        return value
    try:
        return f"{float(value):.4g}"
    except ValueError:
        return value


def write_results_html(rows, path):
    """The chapter-wide results table (every notebook's models) as a small standalone HTML page."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in rows[0])
    body = "\n".join("<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in r) + "</tr>" for r in rows[1:])
    with open(path, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>seqbook results</title>\n"
                "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
                "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>\n"
                "<h1>Chapter 15: this run vs the book</h1>\n"
                f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>\n</body></html>\n")


def print_table(rows, right=()):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        cells = [str(v).rjust(w) if i in right and n else str(v).ljust(w) for i, (v, w) in enumerate(zip(r, widths))]
        log("  ".join(cells).rstrip())
        if n == 0:
            log("  ".join("-" * w for w in widths))


def looks_numeric(values):
    try:
        for v in values:
            if v != "":
                float(v)
        return True
    except ValueError:
        return False


async def run_all(notebooks, out_dir, cell_timeout):
    rows = []
    mode = "quick" if os.environ.get("SEQBOOK_QUICK") == "1" else "full"
    timings = load_timings(out_dir)
    for i, path in enumerate(notebooks, 1):
        stem = os.path.splitext(os.path.basename(path))[0]
        estimate = timings.get(stem, {}).get(mode)
        last = f" (last {mode} run: {estimate:.0f} s)" if estimate else ""
        log(f"[{i}/{len(notebooks)}] {path}{last}")
        row = await run_notebook(path, out_dir, cell_timeout, estimate)
        if row["status"] == "ok":
            save_timing(out_dir, stem, mode, row["seconds"], row.get("peak_rss_mb"))
        rss = f", kernel peak RSS {row['peak_rss_mb']} MB" if row.get("peak_rss_mb") else ""
        log(f"  {row['status']} in {row['seconds']:.1f} s, {row['cells']} cells, {row['images']} images{rss}")
        if row["error"]:
            log(f"  {row['error']}")
        if row["detail"]:
            log(f"  {row['detail']}")
        rows.append(row)
        if INTERRUPTED:
            break
    return rows


def kill_leftovers():
    for proc in STARTED:
        if proc is not None and proc.poll() is None:
            log(f"killing leftover kernel process {proc.pid}")
            kill_process(proc)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("--quick", action="store_true", help="SEQBOOK_QUICK=1: small data, few epochs")
    ap.add_argument("--out", default=os.path.join(REPO, "target", "notebooks"), help="output folder")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell (default 3600)")
    ap.add_argument("--jar", default=None,
                    help="run the notebooks with this helper jar instead of target/seqbook.jar (e.g. the CUDA build "
                         "target/seqbook-cuda.jar): their '%%classpath' setup line is rewritten in the executed copy")
    args = ap.parse_args()
    if args.jar:
        if not os.path.isfile(args.jar):
            log(f"--jar: no such file {args.jar}")
            return 2
        JAR_OVERRIDE.append(os.path.abspath(args.jar))

    notebooks = args.notebooks or sorted(glob.glob(os.path.join(REPO, "notebooks", "*.ipynb")))
    if not notebooks:
        log(f"no notebooks found in {os.path.join(REPO, 'notebooks')}")
        return 2
    missing = [p for p in notebooks if not os.path.isfile(p)]
    if missing:
        log(f"not found: {' '.join(missing)}")
        return 2
    quick = args.quick or os.environ.get("SEQBOOK_QUICK") == "1"
    out_dir = os.path.abspath(args.out)
    results_dir = os.path.join(out_dir, "results")
    os.makedirs(os.path.join(out_dir, "logs"), exist_ok=True)
    os.makedirs(results_dir, exist_ok=True)
    if quick:
        os.environ["SEQBOOK_QUICK"] = "1"
    else:
        os.environ.pop("SEQBOOK_QUICK", None)
    os.environ["SEQBOOK_RESULTS_DIR"] = results_dir
    # Ctrl-C / SIGTERM: stop after shutting the running kernel down
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    log(f"running {len(notebooks)} notebook(s), {'quick' if quick else 'full'} mode, "
        f"cell timeout {args.timeout} s, output {out_dir}")

    t0 = time.monotonic()
    try:
        rows = asyncio.run(run_all(notebooks, out_dir, args.timeout))
    except KeyboardInterrupt:
        rows = None
    finally:
        kill_leftovers()
    if rows is None or INTERRUPTED:
        log("interrupted")
        return 130

    log("")
    table = [["notebook", "status", "seconds", "cells", "images"]]
    table += [[r["notebook"], r["status"], f"{r['seconds']:.1f}", r["cells"], r["images"]] for r in rows]
    print_table(table, right={2, 3, 4})
    failed = [r for r in rows if r["status"] != "ok"]
    for r in failed:
        log(f"FAILED {r['notebook']}: {r['error']}")

    merged_path = os.path.join(out_dir, "results.csv")
    merged = merge_results(results_dir, merged_path, {r["notebook"] for r in rows})
    if merged:
        log("")
        log(f"results ({merged_path}):")
        numeric = {i for i in range(len(merged[0])) if looks_numeric([r[i] for r in merged[1:] if i < len(r)])}
        shown = [merged[0]] + [[short_number(v) if i in numeric else v for i, v in enumerate(r)] for r in merged[1:]]
        print_table([r + [""] * (len(merged[0]) - len(r)) for r in shown], right=numeric)
        html_path = os.path.join(out_dir, "results.html")
        write_results_html(shown, html_path)
        log(f"chapter summary: {merged_path} and {html_path}")
    else:
        log(f"no results in {results_dir}")
    log("")
    log(f"executed notebooks and HTML: {out_dir}/<notebook>.ipynb|.html; kernel logs: {out_dir}/logs/")
    log(f"{len(rows) - len(failed)}/{len(rows)} notebooks ok in {time.monotonic() - t0:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
