"""Probe runner overhead: 2,000 requests at concurrency 64 against a local endpoint that answers in 20 ms.

Targets: a fresh run within 1.5x of the ideal time (2000 / 64 * 20 ms = 625 ms), a repeated run served
from the store in under a second. The endpoint is tests/probe_server.py (Python, on the same cores as the
client), so its CPU is printed beside the client's, and so is a floor: the same requests to the same server
from a bare asyncio client that only reads each response and sends the next (no JSON, store, scoring),
i.e. what this machine and server allow any client. The target stays the ideal, not the floor. For
comparison, the same requests through inspect-ai's OpenAI-compatible provider, when an interpreter with
inspect-ai is given (`--inspect-python`, default /tmp/inspect-venv).

    .venv/bin/python bench/probe_bench.py [--requests 2000] [--concurrency 64] [--delay 0.02] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from upstream.probe.client import chat_url
from upstream.probe.runner import ProbeSettings, plan, run_probe
from upstream.probe.store import Store, canonical
from upstream.probe.suite import Item, Suite, suite_hash
from upstream.probe.sync import run_sync

ROOT = Path(__file__).resolve().parents[1]

INSPECT_SCRIPT = '''
import asyncio, json, os, sys, time
url, n, conc, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
os.environ["BENCH_BASE_URL"], os.environ["BENCH_API_KEY"] = url, "none"
from inspect_ai.model import ChatMessageUser, GenerateConfig, get_model

async def once():
    model = get_model("openai-api/bench/m", config=GenerateConfig(max_connections=conc, temperature=0, max_tokens=64))
    start = time.perf_counter()
    outs = await asyncio.gather(*(model.generate([ChatMessageUser(content=f"question {i}?")]) for i in range(n)))
    took = time.perf_counter() - start
    assert all(o.completion for o in outs)
    return took

print(json.dumps([asyncio.run(once()) for _ in range(runs)]))
'''


def synthetic_suite(requests: int) -> Suite:
    items = tuple(Item(id=f"bench.{i:05d}", topic="bench", type="direct", role="neutral", mirrors=None, contested=False,
                       expect="answer", prompts=(("en", f"Bench question number {i}?"),), key_facts=(),
                       narrative_markers=(), source="bench", licence="CC0-1.0") for i in range(requests))
    return Suite("bench", "1", suite_hash("bench", "1", items), items)


def start_server(delay: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "probe_server.py"), "--delay", str(delay)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def settings_for(url: str, concurrency: int) -> ProbeSettings:
    return ProbeSettings(endpoint=url, model="m", langs=("en",), concurrency=concurrency, max_tokens=64)


def floor_run(url: str, suite: Suite, concurrency: int) -> float:
    """Wall seconds for a bare asyncio client to send upstream's exact requests to the same server."""
    target = urlsplit(chat_url(url))
    reqs = []
    for job in plan(settings_for(url, concurrency), suite):
        body = canonical(job.payload).encode()
        reqs.append(b"POST %s HTTP/1.1\r\nhost: %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                    % (target.path.encode(), target.netloc.encode(), len(body), body))

    async def go() -> None:
        queue = iter(reqs)

        async def worker() -> None:
            reader, writer = await asyncio.open_connection(target.hostname, target.port)
            for req in queue:
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
                await reader.readexactly(length)
            writer.close()

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    start = time.perf_counter()
    asyncio.run(go())
    return time.perf_counter() - start


def timed_run(url: str, suite: Suite, store_dir: str, concurrency: int) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of one whole run (plan, store lookups, requests, scoring, statistics)."""
    settings = settings_for(url, concurrency)
    with Store(store_dir) as store:
        start, cpu = time.perf_counter(), time.process_time()
        report = run_sync(run_probe(settings, suite, store))  # as the CLI runs it
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.summary.transport["ok"] == len(suite.items), report.summary.transport
    return took, cpu, report.requests_sent, report.requests_cached


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--delay", type=float, default=0.02)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--inspect-python", default="/tmp/inspect-venv/bin/python")
    a = ap.parse_args()
    ideal = a.requests / a.concurrency * a.delay
    suite = synthetic_suite(a.requests)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    proc, url = start_server(a.delay)
    try:
        fresh, repeat, cpu, server_cpu, floor = [], [], [], [], []
        for _ in range(a.runs):
            with tempfile.TemporaryDirectory() as tmp:
                before = cpu_of(proc.pid)
                took, used, sent, _ = timed_run(url, suite, tmp, a.concurrency)
                server_cpu.append(cpu_of(proc.pid) - before)
                assert sent == a.requests
                fresh.append(took)
                cpu.append(used)
                took, _, sent, cached = timed_run(url, suite, tmp, a.concurrency)
                assert sent == 0 and cached == a.requests
                repeat.append(took)
            floor.append(floor_run(url, suite, a.concurrency))
        f, r, fl = statistics.median(fresh), statistics.median(repeat), statistics.median(floor)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"upstream probe: {a.requests} requests, concurrency {a.concurrency}, endpoint answering in "
              f"{a.delay * 1000:.0f} ms; median of {a.runs} runs")
        print(f"  ideal {ideal:.3f}s · fresh run {f:.3f}s ({f / ideal:.2f}x ideal; target <= 1.5x) · "
              f"repeated run from the store {r:.3f}s (target < 1s)")
        print(f"  fresh runs {[round(x, 3) for x in fresh]} · repeated {[round(x, 3) for x in repeat]}")
        print(f"  client CPU per fresh run {statistics.median(cpu):.3f}s "
              f"({statistics.median(cpu) / a.requests * 1e6:.0f} us a request, all stages); test server CPU "
              f"{statistics.median(server_cpu):.3f}s; {os.cpu_count()} cores, load average {load_before:.1f} "
              f"before, {load:.1f} when done")
        print(f"  floor, a bare asyncio client on the same server: {fl:.3f}s ({fl / ideal:.2f}x ideal; "
              f"runs {[round(x, 3) for x in floor]})")
        ok = f <= 1.5 * ideal and r < 1.0
        inspect = Path(a.inspect_python)
        if not inspect.exists():
            print(f"inspect-ai: not compared ({inspect} not found; pip install inspect-ai into a separate venv)")
        else:
            out = subprocess.run([str(inspect), "-c", INSPECT_SCRIPT, url, str(a.requests), str(a.concurrency),
                                  str(a.runs)], capture_output=True, text=True, timeout=1800)
            if out.returncode != 0:
                print(f"inspect-ai: failed to run ({out.stderr.strip().splitlines()[-1:]})")
            else:
                times = json.loads(out.stdout.strip().splitlines()[-1])
                m = statistics.median(times)
                print(f"inspect-ai openai-api provider, same requests: median {m:.3f}s ({m / ideal:.2f}x ideal); "
                      f"inspect-ai / upstream = {m / f:.2f}x  (runs {[round(x, 3) for x in times]})")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        proc.kill()


if __name__ == "__main__":
    sys.exit(main())
