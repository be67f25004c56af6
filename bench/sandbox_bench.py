"""Sandbox overhead per task: `run_tests` against the same code's own run time in-process.

Target (issue #7): the sandbox adds under 50 ms per task beyond the code's own run time. Three tasks, each
timed `--runs` times, alternating with the same code run in-process (medians, and the median of the
per-run differences as the overhead): a trivial passing one, a failing one (the traceback path) and one
whose code itself runs for a while (to see that the overhead does not grow with the code's run time; on a
loaded machine its wall time is noisy, so it is reported but not judged). For reference, a bare
`python -I -S -c pass` and the cold path (a fresh interpreter per task instead of the warm launcher).

    .venv/bin/python bench/sandbox_bench.py [--runs 30]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from upstream.capability.sandbox import Limits, _execute, isolation, run_tests

TASKS = {
    "trivial (passes)": ("def add(a, b):\n    return a + b\n",
                         "assert add(1, 2) == 3\n\ndef test_add():\n    assert add(-1, 1) == 0\n", "passed"),
    "trivial (fails)": ("def add(a, b):\n    return a - b\n",
                        "def test_add():\n    assert add(1, 2) == 3\n", "failed"),
    "busy (~50 ms of work)": ("def work(n):\n    return sum(i * i % 7 for i in range(n))\n",
                              "def test_work():\n    assert work(300_000) > 0\n", "passed"),
}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def paired_ms(own: Callable[[], object], boxed: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Medians of the code alone, sandboxed, and of their per-run difference (alternated, so that both
    see the same load on a shared machine)."""
    alone, inside = [], []
    for _ in range(runs):
        start = time.perf_counter()
        own()
        mid = time.perf_counter()
        boxed()
        alone.append(mid - start)
        inside.append(time.perf_counter() - mid)
    diffs = [b - a for a, b in zip(alone, inside, strict=True)]
    return statistics.median(alone) * 1000, statistics.median(inside) * 1000, statistics.median(diffs) * 1000


def in_process(solution: str, tests: str) -> None:
    """The code's own run time: compile and run solution and tests here (our own bench code, trusted)."""
    namespace: dict[str, object] = {"__name__": "solution"}
    exec(compile(solution, "solution.py", "exec"), namespace)
    exec(compile(tests, "hidden_tests.py", "exec"), namespace)
    for name, fn in list(namespace.items()):
        if name.startswith("test_") and callable(fn):
            with contextlib.suppress(AssertionError):
                fn()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f} at the start")
    start = time.perf_counter()
    layers = isolation()  # also starts the warm launcher, once per process
    first = (time.perf_counter() - start) * 1000
    bare = median_ms(lambda: subprocess.run([sys.executable, "-I", "-S", "-B", "-c", "pass"], check=True), a.runs)
    print(f"sandbox layers here: {', '.join(layers)}; first call (starts the launcher) {first:.1f} ms")
    print(f"reference: python -I -S -c pass {bare:.1f} ms (median of {a.runs})")
    worst = 0.0
    for label, (solution, tests, expected) in TASKS.items():
        result = run_tests(solution, tests)
        assert result.status == expected, (label, result)
        own, boxed, overhead = paired_ms(lambda s=solution, t=tests: in_process(s, t),  # type: ignore[misc]
                                         lambda s=solution, t=tests: run_tests(s, t), a.runs)  # type: ignore[misc]
        if label.startswith("trivial"):
            worst = max(worst, overhead)
        print(f"  {label:24s} in-process {own:8.2f} ms · sandboxed {boxed:7.1f} ms · overhead {overhead:5.1f} ms "
              f"({boxed / own:,.0f}x the code alone; {boxed / bare:.2f}x a bare interpreter start)")
    solution, tests, _ = TASKS["trivial (passes)"]
    cold = median_ms(lambda: _execute(solution, tests, Limits(), warm=False), a.runs)
    print(f"  cold path (fresh interpreter per task, the fallback): {cold:.1f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} when done")
    ok = worst < 50.0
    print("PASS" if ok else "FAIL", f"(largest median overhead of the trivial tasks {worst:.1f} ms; target < 50 ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
