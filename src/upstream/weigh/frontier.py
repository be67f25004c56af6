"""The Pareto frontier of risk against capability, over the candidate pool and the team's own models.

The capability axis is one benchmark (the task's primary benchmark with the most coverage in the pool,
unless one is asked for), quoted from one kind of source where possible: the kind most candidates have a
row of; a point quoted from the other kind says so (`independent`). The team's capability-probe runs are
points of their own (`measured`, benchmark "capability-probe:SUITE"): pass@1 on the team's suite is not
on the same scale as a public benchmark, so each measured suite has its own frontier.

A point is on the frontier when no other point on the same axis has lower or equal risk and higher or
equal capability, and is strictly better on one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from upstream.models import FrontierPoint
from upstream.weigh.alternatives import Weighable
from upstream.weigh.benchmarks import MEASURED_PREFIX
from upstream.weigh.candidates import Pool
from upstream.weigh.capability import benchmark_unit, best_row, measured_pass_at_1, task_keys


def choose_benchmark(pool: Pool, requested: str | None = None) -> str | None:
    """The axis benchmark: `requested`, else the task's benchmark most candidates have a row on (primary first on
    a tie; ratings only when nothing else)."""
    if requested:
        return requested
    keys = [k for k in task_keys(pool.task) if benchmark_unit(k) == "%"] or list(task_keys(pool.task))
    cover = {k: sum(1 for e in pool.entries if any(s.benchmark == k for s in e.candidate.capability.benchmarks))
             for k in keys}
    best = max(keys, key=lambda k: (cover[k], -keys.index(k)), default=None)
    return best if best is not None and cover[best] > 0 else None


def _axis_independent(pool: Pool, key: str) -> bool:
    """The kind of source most candidates have a row of on `key` (vendor-reported on a tie)."""
    indep = vendor = 0
    for e in pool.entries:
        kinds = {s.independent for s in e.candidate.capability.benchmarks if s.benchmark == key}
        indep += True in kinds
        vendor += False in kinds
    return indep > vendor


def frontier_points(pool: Pool, in_use: Sequence[Weighable] = (),
                    benchmark: str | None = None) -> tuple[str | None, list[FrontierPoint]]:
    """The axis benchmark and every point: pool candidates, the team's models (`in_use`), and the team's
    capability-probe runs of those models (`measured`). The frontier is marked and the order deterministic."""
    key = choose_benchmark(pool, benchmark)
    points: list[FrontierPoint] = []
    indep = _axis_independent(pool, key) if key is not None else False
    if key is not None:
        for e in pool.entries:
            cand = e.candidate
            row = best_row(cand.capability.benchmarks, key, model=cand.name, independent=indep)
            if row is None:
                continue
            points.append(FrontierPoint(
                family=cand.family, name=row.model, developer=cand.developer, country=cand.country,
                risk=e.risk.score, capability=row.score, benchmark=key, independent=row.independent,
                on_frontier=False, in_use=False, passes_policy=e.passes_policy))
    for cur in in_use:
        family = cur.family or "unknown"
        name = cur.name or cur.subject
        developer, country = _who(pool, cur.family)
        if key is not None:
            row = best_row(cur.capability.benchmarks, key, independent=indep)
            if row is not None:
                points.append(FrontierPoint(
                    family=family, name=name, developer=developer, country=country, risk=cur.risk.score,
                    capability=row.score, benchmark=key, independent=row.independent, on_frontier=False,
                    in_use=True, passes_policy=cur.passes_policy))
        for run in cur.capability.measured:
            value = measured_pass_at_1(run)
            if run.kind != "capability" or value is None:
                continue
            points.append(FrontierPoint(
                family=family, name=f"{name} @ {run.endpoint}" if run.endpoint else name, developer=developer,
                country=country, risk=cur.risk.score, capability=value, benchmark=f"{MEASURED_PREFIX}{run.suite}",
                independent=True, on_frontier=False, in_use=True, passes_policy=cur.passes_policy, measured=True))
    return key, frontier(points, axis=key)


def _who(pool: Pool, family: str | None) -> tuple[str | None, str | None]:
    entry = pool.by_family.get(family or "")
    return (entry.candidate.developer, entry.candidate.country) if entry else (None, None)


def _dominates(q: FrontierPoint, p: FrontierPoint) -> bool:
    return (q.risk <= p.risk and q.capability >= p.capability
            and (q.risk < p.risk or q.capability > p.capability))


def frontier(points: Iterable[FrontierPoint], axis: str | None = None) -> list[FrontierPoint]:
    """The points with `on_frontier` set (per benchmark), ordered: the axis benchmark first, then by risk
    (lower first), capability (higher first), name and family."""
    pts = list(points)
    groups: dict[str, list[FrontierPoint]] = {}
    for p in pts:
        groups.setdefault(p.benchmark, []).append(p)
    out = []
    for group in groups.values():
        ordered = sorted(group, key=lambda p: (p.risk, -p.capability))
        best = float("-inf")
        for i, p in enumerate(ordered):
            # sorted by risk: p is dominated exactly when an earlier point has capability >= and is strictly
            # better on one axis; equal points (same risk and capability) are all on the frontier.
            on = p.capability > best or not any(_dominates(q, p) for q in ordered[:i])
            best = max(best, p.capability)
            out.append(replace(p, on_frontier=on))
    out.sort(key=lambda p: (p.benchmark != axis, p.benchmark, p.risk, -p.capability, p.name, p.family))
    return out


__all__ = ["MEASURED_PREFIX", "choose_benchmark", "frontier", "frontier_points"]
