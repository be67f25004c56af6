"""Benchmark: `inspect` on a real 1.1 GB GGUF, and scanning a tree of several GB of model files.

Usage: .venv/bin/python bench/inspect_bench.py [--runs N] [--models DIR]

1. inspect: each run is a fresh process that inspects qwen2.5-coder-1.5b-instruct-q4_k_m.gguf
   (1,117,320,768 bytes) once; we report the median time of the inspect call itself and of the
   whole process, and the peak RSS (ru_maxrss), next to a process that only imports the code.
2. scan vs headers: a tree of hard links to the real GGUFs (several GB) is scanned by the
   `model-files` detector through the scan runner, and compared with the floor: reading each
   file's header bytes and nothing else. Bytes read come from /proc/self/io (rchar).

The models come from ../shared/models/fetch-test-models ($UPSTREAM_TEST_MODELS or
~/.cache/upstream-test-models).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

QWEN = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
GGUFS = (QWEN, "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "gemma-3-270m-q4_k_m.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf")

_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from upstream.artifacts import inspect_path
t1 = time.perf_counter()
cards = inspect_path(sys.argv[2]).cards if sys.argv[2] != "-" else []
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import_s": t1 - t0, "inspect_s": t2 - t1, "maxrss_kb": rss,
                  "family": cards[0].identity.family if cards else None}))
"""


def _rchar() -> int:
    with open("/proc/self/io") as fh:
        return next(int(ln.split()[1]) for ln in fh if ln.startswith("rchar:"))


def bench_inspect(path: Path, runs: int) -> None:
    child = [sys.executable, "-c", _CHILD, str(ROOT / "src")]
    base = [json.loads(subprocess.run([*child, "-"], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]
    rows = []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run([*child, str(path)], capture_output=True, text=True, check=True).stdout
        wall = time.perf_counter() - t
        rows.append({**json.loads(out), "wall_s": wall})
    assert all(r["family"] == "qwen" for r in rows), rows
    med = statistics.median
    print(f"inspect {path.name} ({path.stat().st_size:,} bytes), {runs} fresh processes:")
    print(f"  inspect call          median {med(r['inspect_s'] for r in rows) * 1000:7.1f} ms "
          f"(min {min(r['inspect_s'] for r in rows) * 1000:.1f}, max {max(r['inspect_s'] for r in rows) * 1000:.1f})")
    print(f"  whole process         median {med(r['wall_s'] for r in rows) * 1000:7.1f} ms "
          f"(of which imports {med(r['import_s'] for r in rows) * 1000:.1f} ms)")
    print(f"  peak RSS              max    {max(r['maxrss_kb'] for r in rows) / 1024:7.1f} MiB "
          f"(an interpreter that only imports the code: {max(b['maxrss_kb'] for b in base) / 1024:.1f} MiB)")


def _header_bytes(path: Path) -> int:
    from upstream.artifacts import gguf

    h = gguf.read_file(str(path))
    return h.header_end or 0


def bench_scan(models: Path, runs: int, copies: int) -> None:
    from upstream.artifacts import gguf
    from upstream.detect.model_files import ModelFileDetector
    from upstream.detect.runner import scan_entries
    from upstream.sources import WalkResult, walk

    tree = models / ".bench-tree"
    shutil.rmtree(tree, ignore_errors=True)
    files: list[Path] = []
    for c in range(copies):
        for name in GGUFS:
            d = tree / f"service{c}" / "models"
            d.mkdir(parents=True, exist_ok=True)
            target = d / (f"copy{c}-" + name)
            try:
                os.link(models / name, target)
            except OSError:
                shutil.rmtree(tree, ignore_errors=True)
                print("scan bench skipped: cannot hard-link the models (different file system?)")
                return
            files.append(target)
        (tree / f"service{c}" / "app.py").write_text("print('hello')\n" * 50)
    total = sum(f.stat().st_size for f in files)
    headers = {f: _header_bytes(f) for f in files}
    scan_t, floor_t, scan_io, floor_io, parse_t = [], [], [], [], []
    try:
        for _ in range(runs):
            r0 = _rchar()
            t = time.perf_counter()
            for f, n in headers.items():
                fd = os.open(f, os.O_RDONLY)
                try:
                    left = n
                    while left > 0:
                        chunk = os.read(fd, min(left, 1 << 20))
                        if not chunk:
                            break
                        left -= len(chunk)
                finally:
                    os.close(fd)
            floor_t.append(time.perf_counter() - t)
            floor_io.append(_rchar() - r0)
            t = time.perf_counter()
            for f in headers:
                gguf.read_file(str(f))
            parse_t.append(time.perf_counter() - t)
            r0 = _rchar()
            t = time.perf_counter()
            walked = WalkResult()
            result = scan_entries(list(walk(str(tree), walked)), [ModelFileDetector()], 4 << 20)
            scan_t.append(time.perf_counter() - t)
            scan_io.append(_rchar() - r0)
            assert len(result.detections) == len(files), result.detections
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    med = statistics.median
    print(f"scan a tree of {len(files)} GGUF files, {total / (1 << 30):.2f} GiB in all, {runs} runs:")
    print(f"  model-files detector  median {med(scan_t) * 1000:7.1f} ms, read {med(scan_io) / (1 << 20):6.1f} MiB")
    print(f"  header bytes alone    median {med(floor_t) * 1000:7.1f} ms, read {med(floor_io) / (1 << 20):6.1f} MiB")
    print(f"  header parse alone    median {med(parse_t) * 1000:7.1f} ms (GGUF reader, no identification)")
    print(f"  ratio                 {med(scan_io) / max(med(floor_io), 1):.2f}x the bytes of the headers; "
          f"{med(scan_io) / total * 100:.2f}% of the tree")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--copies", type=int, default=2, help="links to each model in the scanned tree")
    ap.add_argument("--models", type=Path, default=Path(os.environ.get("UPSTREAM_TEST_MODELS")
                                                          or Path.home() / ".cache/upstream-test-models"))
    args = ap.parse_args()
    if not all((args.models / n).is_file() for n in GGUFS):
        print(f"models missing in {args.models}: run ../shared/models/fetch-test-models first", file=sys.stderr)
        return 1
    bench_inspect(args.models / QWEN, max(args.runs, 5))
    bench_scan(args.models, max(args.runs, 5), args.copies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
