"""Benchmark: weigh a 200-model inventory with full alternatives (target: under a second).

Run: .venv/bin/python bench/weigh_bench.py [--runs 7] [--n 200] [--profile us-government]

The inventory is built from the knowledge base's own model ids (every model record, then variants of them:
quantized GGUF uploads, Ollama tags, API names behind their developers' endpoints), resolved once, as a scan
would hand it over. Each run starts cold for weighing: the candidate pool (every family with coding benchmark
rows, resolved, weighed and put through the policy engine) is rebuilt, then every model gets its risk factors,
capability, five alternatives and the frontier. The knowledge base itself is loaded once (bench/kb_bench.py
measures that). Prints the median over the runs and its ratio to the one-second budget, and, as a
reference run in the same process, the time to resolve the same 200 references.
"""

from __future__ import annotations

import argparse
import statistics
import time

from upstream.kb.loader import default_kb
from upstream.policy.config import parse_policy
from upstream.policy.profiles import profile_data
from upstream.weigh import candidates as cand_mod
from upstream.weigh.assess import named_report, weigh_report

VARIANTS = ("{m}", "bartowski/{n}-GGUF", "{n}-Q4_K_M.gguf", "{n_lower}:latest")


def references(n: int) -> list[str]:
    kb = default_kb()
    ids = sorted({m.id for fam in kb.families.values() for m in fam.models})
    out: list[str] = []
    for variant in VARIANTS:
        for mid in ids:
            name = mid.rsplit("/", 1)[-1]
            out.append(variant.format(m=mid, n=name, n_lower=name.lower()))
            if len(out) == n:
                return out
    return out


def one_run(report: object, policy: object) -> float:
    cand_mod._CANDIDATES.clear()
    cand_mod._POOLS.clear()
    t0 = time.perf_counter()
    weigh_report(report, policy=policy, alternatives=5)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--profile", default="us-government")
    args = ap.parse_args()
    kb = default_kb()
    refs = references(args.n)
    t0 = time.perf_counter()
    report = named_report(refs, kb)
    resolve_s = time.perf_counter() - t0
    policy = parse_policy(profile_data(args.profile), f"profile:{args.profile}", args.profile) if args.profile else None
    times = [one_run(report, policy) for _ in range(args.runs)]
    med = statistics.median(times)
    weighed = weigh_report(report, policy=policy, alternatives=5)
    assert weighed.weigh is not None
    alts = sum(len(a.alternatives) for a in weighed.weigh.assessments)
    print(f"inventory: {len(report.inventory)} models ({len(refs)} references), policy profile {args.profile}")
    print(f"pool: {len(weighed.weigh.frontier)} frontier points; {alts} alternatives listed")
    print(f"reference: resolving the {len(refs)} references once: {resolve_s * 1000:.0f} ms")
    print(f"weigh, cold pool: median {med * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); "
          f"{med:.2f}x the 1 s budget; {med / resolve_s:.2f}x the resolve reference")


if __name__ == "__main__":
    main()
