"""Benchmark: `upstream scan` against ripgrep on the same generated tree, same keywords.

Generates (or reuses) a tree of ≥50,000 files with planted references (bench/gen_tree.py), then
alternates runs of

    rg -l -i -F -e KW1 -e KW2 ... TREE       (the detectors' own gate keywords, case-insensitive like the gate)
    upstream scan TREE -f json -o /dev/null

and prints the median wall time of each over N runs and their ratio, both timed the same way (nothing
else running in the benchmark's process), then the peak memory of the scan in separate runs (resident
set summed over the scan process and its workers, sampled every 10 ms: a sampler that would steal CPU
from the timed runs).
Target (issue "Scan"): ratio ≤ 5 and peak ≤ 300 MB.

It also prints the CPU time (user + system, workers included) of each, and the load average before and
after: on a shared machine the wall-time ratio moves with whatever else runs, the CPU times much less.
`--jobs N` passes `-j N` to the scan. `--stages` prints instead where a single process spends its time
(best of three): start-up imports, walk, `wants`, reading, the keyword gate, each detector, the knowledge base.

The interpreter matters: CPython builds with and without profile-guided and link-time optimisation differ
by 2x and more in parsing Python, which the scan does a lot of. Each interpreter's version, path and
`ast.parse` speed is printed; `--python PATH` (repeatable) times the scan under other interpreters in the
same interleaved runs (each needs upstream installed: `PATH -m pip install -e .`).

    python bench/scan_vs_rg.py [--files 50000] [--runs 5] [--tree bench/.tree] [--jobs N] [--stages]
                               [--python PATH]...
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_tree import generate  # noqa: E402


def keywords() -> list[str]:
    """The keywords the scan's own gate looks for (lower-cased, deduplicated), matched case-insensitively."""
    from upstream.detect.runner import keyword_gate
    from upstream.registry import detectors

    return sorted({k.decode() for d in detectors() for k in keyword_gate(d)})


def _tree_rss_kb(root_pid: int) -> int:
    """Resident set of a process and all its descendants, in kB (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(p for p, pp in parents.items() if pp == pid)
    return total


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(cmd: list[str], sample: bool) -> tuple[float, int, float]:
    """(wall seconds, peak resident kB if sampled, CPU seconds of the command and its children)."""
    cpu0 = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sampler() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.01)

    t = threading.Thread(target=sampler, daemon=True)
    if sample:
        t.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    if sample:
        t.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return elapsed, peak, _children_cpu() - cpu0


def stages(tree: Path) -> None:
    """Single-process breakdown of a scan's CPU work, best of three (the machine may be busy)."""
    import contextlib
    import tempfile

    from upstream.detect import FileInput
    from upstream.detect.runner import KeywordIndex, wanting
    from upstream.registry import detectors
    from upstream.sources import WalkResult, walk

    def best(fn: Any, n: int = 3) -> float:
        out = []
        for _ in range(n):
            t = time.process_time()
            fn()
            out.append(time.process_time() - t)
        return min(out)

    def start(empty: str) -> float:  # the scan command on an empty folder: start-up, nothing to read
        before = _children_cpu()
        subprocess.run([sys.executable, "-m", "upstream", "scan", empty, "-f", "json", "-o", os.devnull, "-q",
                        "--no-resolve"], check=True)
        return _children_cpu() - before

    with tempfile.TemporaryDirectory() as empty:
        start_up = min(start(empty) for _ in range(3))
    t = time.process_time()
    from upstream.kb.loader import default_kb

    default_kb()
    kb = time.process_time() - t
    dets = detectors()
    gates = KeywordIndex(dets)
    entries = list(walk(str(tree), WalkResult()))
    rows: list[tuple[str, float]] = [("walk", best(lambda: list(walk(str(tree), WalkResult()))))]
    wanted: list[list[Any]] = []
    asked_for = wanting(dets)

    def wants() -> None:  # as the runner asks: only the detectors whose screen admits the file
        wanted.clear()
        for path, _ in entries:
            name = path.rsplit("/", 1)[-1]
            dot = name.rfind(".")
            suffix = name[dot:].lower() if dot > 0 else ""
            wanted.append(asked_for(path, name, suffix))

    rows.append(("wants (which detectors look at each file)", best(wants)))
    datas: list[bytes] = []

    def read() -> None:
        datas.clear()
        for (_, abspath), w in zip(entries, wanted, strict=True):
            if not w:
                datas.append(b"")
                continue
            fd = os.open(abspath, os.O_RDONLY)
            try:
                size = os.fstat(fd).st_size
                datas.append(os.read(fd, size))
            finally:
                os.close(fd)

    rows.append(("read (open, fstat, read, close)", best(read)))
    passing: list[list[Any]] = []

    def gate() -> None:
        passing.clear()
        for data, w in zip(datas, wanted, strict=True):
            low = data.lower()
            passing.append([d for d in w if gates.passes(d.id, low)])

    rows.append(("keyword gate", best(gate)))
    spent: dict[str, float] = {}
    for _ in range(3):
        this: dict[str, float] = {}
        for (path, abspath), data, p in zip(entries, datas, passing, strict=True):
            for d in p:
                t = time.process_time()
                with contextlib.suppress(Exception):  # parse errors are part of the work measured
                    list(d.detect(FileInput(path, abspath, len(data), data)))
                this[d.id] = this.get(d.id, 0.0) + time.process_time() - t
        spent = {k: min(v, spent.get(k, v)) for k, v in this.items()}
    rows += [(f"detector {k}", v) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])]
    rows.append(("knowledge base: import and load", kb))
    print(f"single-process CPU seconds, {len(entries)} files (best of 3; knowledge base: first load)")
    print(f"  {'start-up: `upstream scan` of an empty folder':44s} {start_up:6.3f}")
    for name, secs in rows:
        print(f"  {name:44s} {secs:6.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", default=str(HERE / ".tree"))
    ap.add_argument("--jobs", type=int, default=None, help="pass -j N to the scan (default: its own default)")
    ap.add_argument("--stages", action="store_true", help="print a single-process breakdown instead")
    ap.add_argument("--memory-runs", type=int, default=3, help="extra scans sampled for peak memory (not timed)")
    ap.add_argument("--python", action="append", default=[], metavar="PATH",
                    help="run the scan with this interpreter (one with upstream installed); repeat to compare "
                         "interpreters in the same interleaved runs (default: this one)")
    args = ap.parse_args()
    tree = Path(args.tree)
    marker = tree / f".generated-v2-{args.files}"  # v2: plants in code of their own language, all forms
    if not marker.exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        planted = generate(tree, args.files, seed=7)
        marker.write_text(str(planted))
    planted = int(marker.read_text())
    if args.stages:
        stages(tree)
        return
    rg = shutil.which("rg")
    if not rg:
        raise SystemExit("ripgrep (rg) is needed: apt-get install ripgrep")
    kws = keywords()
    rg_cmd = [rg, "-l", "-i", "-F", *[x for k in kws for x in ("-e", k)], str(tree)]
    pythons = args.python or [sys.executable]
    up_cmds = [[py, "-m", "upstream", "scan", str(tree), "-f", "json", "-o", os.devnull, "-q"] for py in pythons]
    if args.jobs is not None:
        up_cmds = [[*cmd, "-j", str(args.jobs)] for cmd in up_cmds]
    load_before = os.getloadavg()
    timed(rg_cmd, False)  # warm the page cache for both
    for cmd in up_cmds:
        timed(cmd, False)
    rg_times: list[float] = []
    rg_cpu: list[float] = []
    up_times: list[list[float]] = [[] for _ in up_cmds]
    up_cpu: list[list[float]] = [[] for _ in up_cmds]
    for _ in range(args.runs):
        t, _, c = timed(rg_cmd, False)
        rg_times.append(t)
        rg_cpu.append(c)
        for i, cmd in enumerate(up_cmds):
            t, _, c = timed(cmd, False)  # timed as rg is: no sampler thread taking CPU beside it
            up_times[i].append(t)
            up_cpu[i].append(c)
    load_after = os.getloadavg()
    peaks = [timed(up_cmds[0], True)[1] for _ in range(args.memory_runs)]  # in runs of their own: the sampler costs CPU
    rg_med = statistics.median(rg_times)
    print(f"tree: {args.files} files, {planted} planted references, {len(kws)} keywords; {os.cpu_count()} CPUs")
    print(f"load average (1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {', '.join(f'{x:.2f}' for x in load_after)}")
    print(f"rg       median {rg_med:.3f}s  (runs: {', '.join(f'{t:.3f}' for t in rg_times)})  "
          f"CPU median {statistics.median(rg_cpu):.3f}s")
    for py, times, cpu in zip(pythons, up_times, up_cpu, strict=True):
        up_med = statistics.median(times)
        print(f"interpreter {interpreter(py)}")
        print(f"upstream median {up_med:.3f}s  (runs: {', '.join(f'{t:.3f}' for t in times)})  "
              f"CPU median {statistics.median(cpu):.3f}s")
        print(f"ratio upstream/rg: {up_med / rg_med:.2f}x  (target ≤ 5x)")
    print(f"peak memory (scan + workers, {len(peaks)} sampled runs, first interpreter): median "
          f"{statistics.median(peaks) / 1024:.0f} MB, max {max(peaks) / 1024:.0f} MB  (target ≤ 300 MB)")


PARSE_PROBE = """
import ast, sys, time
src = open(ast.__file__, encoding="utf-8").read()
ast.parse(src)
runs = []
for _ in range(5):
    t = time.perf_counter(); ast.parse(src); runs.append(time.perf_counter() - t)
print(sys.version.split()[0], len(src) / min(runs) / 1e6)
"""


def interpreter(python: str) -> str:
    """The interpreter's version and path, and how fast it parses Python (`ast.parse` of its own ast.py):
    builds differ (with or without profile-guided and link-time optimisation) by 2x and more."""
    out = subprocess.run([python, "-c", PARSE_PROBE], capture_output=True, text=True, check=True).stdout.split()
    return f"CPython {out[0]} ({os.path.realpath(python)}), ast.parse {float(out[1]):.1f} MB/s"


if __name__ == "__main__":
    main()
