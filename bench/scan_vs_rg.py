"""Benchmark: `upstream scan` against ripgrep on the same generated tree, same keywords.

Generates (or reuses) a tree of ≥50,000 files with planted references (bench/gen_tree.py), then
alternates runs of

    rg -l -i -F -e KW1 -e KW2 ... TREE       (the detectors' own gate keywords, case-insensitive like the gate)
    upstream scan TREE -f json -o /dev/null

and prints the median wall time of each over N runs, their ratio, and the peak memory of the scan
(resident set summed over the scan process and its workers, sampled every 10 ms).
Target (issue "Scan"): ratio ≤ 5 and peak ≤ 300 MB.

    python bench/scan_vs_rg.py [--files 50000] [--runs 5] [--tree bench/.tree]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

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


def timed(cmd: list[str], sample: bool) -> tuple[float, int]:
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
    return elapsed, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", default=str(HERE / ".tree"))
    args = ap.parse_args()
    rg = shutil.which("rg")
    if not rg:
        raise SystemExit("ripgrep (rg) is needed: apt-get install ripgrep")
    tree = Path(args.tree)
    marker = tree / f".generated-{args.files}"
    if not marker.exists():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        planted = generate(tree, args.files, seed=7)
        marker.write_text(str(planted))
    planted = int(marker.read_text())
    kws = keywords()
    rg_cmd = [rg, "-l", "-i", "-F", *[x for k in kws for x in ("-e", k)], str(tree)]
    up_cmd = [sys.executable, "-m", "upstream", "scan", str(tree), "-f", "json", "-o", os.devnull, "-q"]
    timed(rg_cmd, False)  # warm the page cache for both
    timed(up_cmd, False)
    rg_times, up_times, peaks = [], [], []
    for _ in range(args.runs):
        t, _ = timed(rg_cmd, False)
        rg_times.append(t)
        t, peak = timed(up_cmd, True)
        up_times.append(t)
        peaks.append(peak)
    rg_med, up_med = statistics.median(rg_times), statistics.median(up_times)
    print(f"tree: {args.files} files, {planted} planted references, {len(kws)} keywords")
    print(f"rg       median {rg_med:.3f}s  (runs: {', '.join(f'{t:.3f}' for t in rg_times)})")
    print(f"upstream median {up_med:.3f}s  (runs: {', '.join(f'{t:.3f}' for t in up_times)})")
    print(f"ratio upstream/rg: {up_med / rg_med:.2f}x  (target ≤ 5x)")
    print(f"peak memory (scan + workers): median {statistics.median(peaks) / 1024:.0f} MB, "
          f"max {max(peaks) / 1024:.0f} MB  (target ≤ 300 MB)")


if __name__ == "__main__":
    main()
