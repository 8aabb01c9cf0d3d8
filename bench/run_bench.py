#!/usr/bin/python3
"""Side-by-side training benchmark: DL4J (this project's library) vs PyTorch on the same machine, in one run.

    /usr/bin/python3 bench/run_bench.py [--epochs N] [--models a,b,...] [--out DIR] [--batches N]

For each model both sides train on the identical dataset (exported by bench/Dl4jBench.java), interleaved so that
machine noise hits both alike (the side that goes first alternates). Each side runs in its own process; its peak
RSS is read from the OS. Prints model | DL4J s/epoch | PyTorch s/epoch | ratio | DL4J metric | PyTorch metric |
RSS, and writes DIR/bench.csv and DIR/bench.png. Median seconds per epoch leave out the first (warm-up) epoch.

Notebook 05's ridership models and notebook 06's Bach model read the downloaded data (ridership.tgz,
jsb_chorales.tgz) through the library's cache; offline, set SEQBOOK_DATA_MIRROR to a folder holding them (the
environment passes through to both sides, and PyTorch trains on the windows DL4J exports). --batches N is a quick
check that models run (each epoch N batches, validation on N x 32 windows; the Bach model takes minutes per full
epoch): its seconds are not seconds per epoch, so the README's table always comes from a run without it.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(REPO, "target", "seqbook.jar")


# The JVM options of the notebooks' kernel (src/scripts/setup.sh writes them into kernel.json), so that the DL4J side
# runs as the notebooks do: the default 1g heap and its JavaCPP bound (heap + 800 MB). Keep the two in step.
KERNEL_JVM_OPTIONS = ["-Xmx1g", "-XX:+UseSerialGC", "-Xmn64m", "-XX:SurvivorRatio=2",
                      "-Dorg.bytedeco.javacpp.maxPhysicalBytes=1824m"]


# Models whose epochs take well under a second on both sides (the linear ones, the 1-unit RNN, notebook 05's 33-batch
# epochs): both sides train at least SHORT_EPOCHS epochs and the median leaves out only the first. With 3 epochs the
# median of epochs 2-3 still timed the JVM's JIT compilation (ridership_rnn: 0.31-0.35 s in epochs 2-3, 0.13-0.24 s
# from epoch 8 on); the notebooks train these models for tens to hundreds of epochs.
SHORT_EPOCHS = 10


def epochs_for(model, epochs):
    short = model in ("linear", "linear_10", "simple_rnn") or model.startswith("ridership_")
    return max(epochs, SHORT_EPOCHS) if short else epochs


def run(cmd, env=None):
    """Runs cmd and returns the last JSON line of its stdout."""
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    lines = [l for l in out.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed no result:\n{out[-2000:]}\n{err[-2000:]}")
    return json.loads(lines[-1])


def timed(cmd, threads):
    """Runs cmd under GNU time's -f '%M' (peak RSS in KB, written to a file) and returns (result, MB)."""
    rss_file = os.path.join("/tmp", f"bench-rss-{os.getpid()}.txt")
    # both sides get the same number of threads: ND4J reads OMP_NUM_THREADS, PyTorch gets --threads
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    result = run(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd, env)
    with open(rss_file) as f:
        rss_mb = int(f.read().strip().splitlines()[-1]) / 1024
    os.remove(rss_file)
    return result, rss_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3,
                    help=f"epochs per model and side (first one is warm-up; models with sub-second epochs train at "
                         f"least {SHORT_EPOCHS})")
    ap.add_argument("--models", default="", help="comma-separated subset (default: every model both sides have)")
    ap.add_argument("--out", default=os.path.join(REPO, "target", "bench"))
    ap.add_argument("--threads", type=int, default=1,
                    help="threads per side (default 1: the notebooks' kernel runs ND4J with OMP_NUM_THREADS=1)")
    ap.add_argument("--batches", type=int, default=0,
                    help="quick check: N batches per epoch and N x 32 validation windows (not for the README table)")
    ap.add_argument("--baseline", default="",
                    help="a checkout of an earlier commit, with its jar built (mvn -DskipTests package there): its DL4J "
                         "side, with its own JVM options, runs as a third side in the same run (before/after)")
    ap.add_argument("--baseline-jvm", default="-Xmx2g -XX:+UseParallelGC",
                    help="the baseline's JVM options (default: those of the kernel before the memory work)")
    args = ap.parse_args()
    if args.batches < 0:
        ap.error(f"--batches must be at least 1 (or 0 for full epochs), got {args.batches}")
    if not os.path.isfile(JAR):
        sys.exit("bench: target/seqbook.jar is missing: run `mvn -B -DskipTests package` first")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: /usr/bin/time is missing: apt-get install time")
    env_quick = os.environ.pop("SEQBOOK_QUICK", None)
    if env_quick:
        print("bench: ignoring SEQBOOK_QUICK; the benchmark always uses the book's full data")
    os.makedirs(args.out, exist_ok=True)
    data_dir = os.path.join(args.out, "data")
    # Compiled once here rather than run as a single-file program: java's in-process compilation of the source
    # added ~130 MB to every DL4J process's peak RSS, memory that is no part of training.
    classes = os.path.join(args.out, "classes")
    subprocess.run(["javac", "-nowarn", "-d", classes, "-cp", JAR, os.path.join("bench", "Dl4jBench.java")],
                   cwd=REPO, check=True, stderr=subprocess.DEVNULL)
    java = ["java", *KERNEL_JVM_OPTIONS, "-cp", JAR + os.pathsep + classes, "Dl4jBench"]
    baseline = None
    if args.baseline:
        base_jar = os.path.join(args.baseline, "target", "seqbook.jar")
        if not os.path.isfile(base_jar):
            sys.exit(f"bench: --baseline {args.baseline} has no target/seqbook.jar: build it there first")
        base_classes = os.path.join(args.out, "baseline-classes")
        # this benchmark's own DL4J side on the earlier library, so that both sides build every model alike; the
        # earlier checkout's copy of it where the earlier library lacks something this one calls
        for source in (os.path.join("bench", "Dl4jBench.java"), os.path.join(args.baseline, "bench", "Dl4jBench.java")):
            if subprocess.run(["javac", "-nowarn", "-d", base_classes, "-cp", base_jar, source], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                print(f"bench: baseline side {source} on {base_jar}")
                break
        else:
            sys.exit(f"bench: could not compile the DL4J side against {base_jar}")
        baseline = ["java", *args.baseline_jvm.split(), "-cp", base_jar + os.pathsep + base_classes, "Dl4jBench"]
        baseline_models = subprocess.run(baseline + ["list"], cwd=REPO, check=True, capture_output=True,
                                         text=True).stdout.split()
    dl4j_models = subprocess.run(java + ["list"], cwd=REPO, check=True, capture_output=True, text=True).stdout.split()
    torch_cmd = ["/usr/bin/python3", os.path.join("bench", "torch_bench.py"), data_dir]
    torch_models = subprocess.run(["/usr/bin/python3", "-c",
                                   "import sys; sys.path.insert(0, 'bench'); import torch_bench as t; print(*t.MODELS)"],
                                  cwd=REPO, check=True, capture_output=True, text=True).stdout.split()
    models = [m for m in dl4j_models if m in torch_models]
    if args.models:
        wanted = args.models.split(",")
        unknown = [m for m in wanted if m not in models]
        if unknown:
            sys.exit(f"bench: unknown models {unknown}; both sides have {models}")
        models = wanted
    # only the datasets these models train on (the downloaded ones need the cache or SEQBOOK_DATA_MIRROR)
    subprocess.run(java + ["export", data_dir] + models, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    limit = ["--batches", str(args.batches)] if args.batches else []
    if args.batches:
        print(f"bench: quick check, {args.batches} batches per epoch: not seconds per epoch, not for the README")
    rows = []
    for i, model in enumerate(models):
        epochs = epochs_for(model, args.epochs)
        sides = [("dl4j", java + ["train", model, str(epochs)] + limit),
                 ("pytorch", torch_cmd + [model, str(epochs), "--threads", str(args.threads)] + limit)]
        if baseline and model in baseline_models:
            sides.insert(1, ("baseline", baseline + ["train", model, str(epochs)] + limit))
        # each side goes first in turn, so that machine noise hits them alike
        sides = sides[i % len(sides):] + sides[:i % len(sides)]
        got = {}
        for side, cmd in sides:
            print(f"bench: {model} on {side} ...", flush=True)
            got[side] = timed(cmd, args.threads)
        (d, d_rss), (t, t_rss) = got["dl4j"], got["pytorch"]
        rows.append({"model": model, "dl4j_s_per_epoch": round(d["s_per_epoch"], 3),
                     "pytorch_s_per_epoch": round(t["s_per_epoch"], 3),
                     "ratio": round(d["s_per_epoch"] / t["s_per_epoch"], 2),
                     "metric": d["metric"], "dl4j_value": f"{d['value']:.5g}", "pytorch_value": f"{t['value']:.5g}",
                     "dl4j_params": d["params"], "pytorch_params": t["params"],
                     "dl4j_rss_mb": round(d_rss), "pytorch_rss_mb": round(t_rss), "epochs": epochs,
                     "batches": args.batches or "all"})
        if "baseline" in got:
            b, b_rss = got["baseline"]
            rows[-1].update({"before_s_per_epoch": round(b["s_per_epoch"], 3),
                             "before_ratio": round(b["s_per_epoch"] / t["s_per_epoch"], 2),
                             "before_value": f"{b['value']:.5g}", "before_rss_mb": round(b_rss)})
    csv_path = os.path.join(args.out, "bench.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        w.writeheader()
        w.writerows(rows)
    cols = ["model", "dl4j_s_per_epoch", "pytorch_s_per_epoch", "ratio", "metric", "dl4j_value", "pytorch_value",
            "dl4j_rss_mb", "pytorch_rss_mb"]
    if baseline:
        cols += ["before_s_per_epoch", "before_ratio", "before_value", "before_rss_mb"]
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in cols}
    print(" | ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        print(" | ".join(str(r.get(c, "")).ljust(widths[c]) for c in cols))
    # ratios < 1: DL4J faster; the geometric mean is the one summary of ratios that treats 2x and 0.5x alike
    ratios = [max(r["ratio"], 0.01) for r in rows]
    geomean = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    rss = [r["dl4j_rss_mb"] / r["pytorch_rss_mb"] for r in rows]
    print(f"geometric mean of the ratios: {geomean:.2f} ({len(rows)} models); RSS DL4J/PyTorch: "
          f"max {max(rss):.2f}, geometric mean {math.exp(sum(math.log(x) for x in rss) / len(rss)):.2f}")
    md_path = os.path.join(args.out, "bench.md")
    with open(md_path, "w") as f:
        f.write("| model | DL4J s/epoch | PyTorch s/epoch | ratio | metric | DL4J | PyTorch | RSS DL4J / PyTorch MB |\n")
        f.write("|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            f.write(f"| {r['model']} | {r['dl4j_s_per_epoch']:.3f} | {r['pytorch_s_per_epoch']:.3f} | {r['ratio']:.2f} | "
                    f"{r['metric']} | {r['dl4j_value']} | {r['pytorch_value']} | "
                    f"{r['dl4j_rss_mb']} / {r['pytorch_rss_mb']} |\n")
        f.write(f"| **geometric mean** | | | **{geomean:.2f}** | | | | |\n")
        if baseline:
            before = [max(r["before_ratio"], 0.01) for r in rows if "before_ratio" in r]
            before_geomean = math.exp(sum(math.log(x) for x in before) / len(before))
            f.write(f"\nBefore/after ({args.baseline}, JVM `{args.baseline_jvm}`):\n\n")
            f.write("| model | ratio before | ratio after | RSS MB before | after | PyTorch | metric before | after |\n")
            f.write("|---|---|---|---|---|---|---|---|\n")
            for r in rows:
                if "before_ratio" in r:
                    f.write(f"| {r['model']} | {r['before_ratio']:.2f} | {r['ratio']:.2f} | {r['before_rss_mb']} | "
                            f"{r['dl4j_rss_mb']} | {r['pytorch_rss_mb']} | {r['before_value']} | {r['dl4j_value']} |\n")
            same = [max(r["ratio"], 0.01) for r in rows if "before_ratio" in r]
            after_same = math.exp(sum(math.log(x) for x in same) / len(same))
            f.write(f"| **geometric mean ({len(before)} models)** | **{before_geomean:.2f}** | **{after_same:.2f}** "
                    f"| | | | | |\n")
            print(f"geometric mean of the ratios before: {before_geomean:.2f}")
    png = os.path.join(args.out, "bench.png")
    subprocess.run(java + ["chart", csv_path, png], cwd=REPO, check=True)
    print(f"bench: wrote {csv_path}, {md_path} (the README's table) and {png}")


if __name__ == "__main__":
    main()
