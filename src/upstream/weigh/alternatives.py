"""Alternatives to a model in use: candidates the policy allows, ranked by capability on the task.

Ranking compares like with like. The headline benchmark is the task's most primary benchmark the model in
use has a row on (or the one asked for). Candidates with a comparable row there (same benchmark, same
variant, same kind of source) come first, by score; then those with a row on it that is not comparable
(the delta says why); then those with rows on other benchmarks of the task only; then by risk. When the
model in use has no benchmark row for the task, its capability is unknown and candidates rank by risk.

Each alternative lists a delta per benchmark of the task, the risk factors it removes or adds (a factor
counts when both values are known and differ by at least MATERIAL, upstream's judgement), and one
plain-language sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from upstream.models import Alternative, BenchmarkDelta, BenchmarkScore, Capability, RiskScore
from upstream.weigh.candidates import Pool, PoolEntry
from upstream.weigh.capability import (
    benchmark_title,
    benchmark_unit,
    best_row,
    comparable,
    model_match,
    source_kind,
    task_keys,
)

MATERIAL = 0.1
"""A risk factor is removed (added) when the alternative's value is at least this much lower (higher)."""


class Weighable(Protocol):
    """What alternatives need of the model in use (an `Assessment` has all of it)."""

    @property
    def subject(self) -> str: ...
    @property
    def family(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def capability(self) -> Capability: ...
    @property
    def risk(self) -> RiskScore: ...
    @property
    def passes_policy(self) -> bool | None: ...


@dataclass(frozen=True, slots=True)
class Current:
    """A model in use, for callers that have no Assessment yet."""

    subject: str
    family: str | None
    name: str | None
    capability: Capability
    risk: RiskScore
    passes_policy: bool | None = None


def headline_key(cap: Capability, task: str, requested: str | None = None) -> str | None:
    """The benchmark to rank on: `requested`, else the task's most primary one with a row (ratings last)."""
    if requested:
        return requested
    have = {s.benchmark for s in cap.benchmarks}
    keys = task_keys(task)
    for key in keys:
        if key in have and benchmark_unit(key) == "%":
            return key
    return next((k for k in keys if k in have), None)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.1f}"


def _delta(key: str, cur: BenchmarkScore | None, alt: BenchmarkScore | None, cur_model: str | None,
           alt_model: str) -> BenchmarkDelta:
    ok, why = comparable(cur, alt) if cur is not None and alt is not None else (False, None)
    notes = []
    if cur is not None and alt is not None:
        notes.append(f"{alt.model} ({source_kind(alt)}, {alt.name}, {alt.date}) against {cur.model} "
                     f"({source_kind(cur)}, {cur.name}, {cur.date})")
        if why:
            notes.append(f"not comparable: {why}")
    elif cur is None and alt is not None:
        notes.append(f"no row for {cur_model or 'the model in use'}; {alt.model}: {source_kind(alt)}, {alt.name}")
    elif alt is None and cur is not None:
        notes.append(f"no row for {alt_model}; {cur.model}: {source_kind(cur)}, {cur.name}")
    delta = round(alt.score - cur.score, 1) if cur is not None and alt is not None else None
    return BenchmarkDelta(benchmark=key, current=cur.score if cur else None, alternative=alt.score if alt else None,
                          delta=delta, comparable=ok, note="; ".join(notes) or None)


def _factor_changes(current: RiskScore, alt: RiskScore) -> tuple[list[str], list[str]]:
    cur = {f.id: f.value for f in current.factors}
    removes, adds = [], []
    for f in alt.factors:
        before = cur.get(f.id)
        if before is None or f.value is None:
            continue
        if f.value <= before - MATERIAL:
            removes.append(f.id)
        elif f.value >= before + MATERIAL:
            adds.append(f.id)
    return removes, adds


@dataclass(frozen=True, slots=True)
class _Ranked:
    entry: PoolEntry
    tier: int
    score: float | None
    head: BenchmarkScore | None
    cur: BenchmarkScore | None


def _capability_phrase(r: _Ranked, key: str | None, current: Weighable, task: str) -> str:
    alt = r.entry.candidate
    current_name = current.name or current.subject
    if key is None or r.cur is None:
        best = r.head or alt.headline
        known = (f"{alt.name} scores {_fmt(best.score)} on {benchmark_title(best.benchmark)} ({source_kind(best)})"
                 if best is not None else f"{alt.name} has no benchmark row for {task} either")
        if key is not None and current.capability.benchmarks:
            return f"(capability of {current_name} on {benchmark_title(key)} unknown: no row); {known}"
        return f"(capability of {current_name} on {task} unknown: no benchmark rows); {known}"
    title = benchmark_title(key)
    if r.head is None:
        other = alt.headline
        also = (f"; it reports {_fmt(other.score)} on {benchmark_title(other.benchmark)} ({source_kind(other)})"
                if other is not None else "")
        return f"has no {title} score (capability there unknown){also}"
    ok, why = comparable(r.cur, r.head)
    kind = f"{source_kind(r.cur)}, both" if ok else f"not comparable: {why}"
    if max(model_match(r.cur.model, current.name), model_match(r.cur.model, current.subject)) == 0:
        kind += f"; {current_name}'s figure is that of {r.cur.model}, another model of its family"
    if model_match(r.head.model, alt.name) == 0:
        kind += f"; {alt.name}'s figure is that of {r.head.model}"
    cur_v, alt_v = r.cur.score, r.head.score
    if alt_v < cur_v:
        return f"keeps {_fmt(alt_v)} of {_fmt(cur_v)} points on {title} ({kind})"
    if alt_v == cur_v:
        return f"matches {_fmt(cur_v)} points on {title} ({kind})"
    return f"gains {_fmt(alt_v - cur_v)} points on {title}: {_fmt(alt_v)} against {_fmt(cur_v)} ({kind})"


def _summary(r: _Ranked, key: str | None, current: Weighable, task: str, removes: list[str],
             adds: list[str]) -> str:
    cur_name = current.name or current.subject
    alt = r.entry.candidate
    text = f"replacing {cur_name} with {alt.name} {_capability_phrase(r, key, current, task)}"
    risk = []
    risk.append(f"removes: {', '.join(removes)}" if removes else "removes no risk factor")
    if adds:
        risk.append(f"adds: {', '.join(adds)}")
    text += f", and {'; '.join(risk)} (risk {current.risk.score:.2f} -> {r.entry.risk.score:.2f})"
    if r.entry.flagged:
        text += f"; the policy flags it for review ({', '.join(r.entry.flagged)})"
    return text


def _dominated(r: _Ranked, current: Weighable) -> bool:
    """Worse on both axes than the model in use: no higher on the headline benchmark, and no lower risk."""
    if r.entry.risk.score < current.risk.score:
        return False
    return r.cur is None or r.score is None or r.score <= r.cur.score


def alternatives_for(current: Weighable, pool: Pool, *, limit: int = 5,
                     benchmark: str | None = None) -> list[Alternative]:
    """The best `limit` alternatives to `current` in `pool`: allowed by the policy, of another family.

    When the model in use passes the policy (or none applies), candidates worse on both capability and risk
    are left out: they are no alternative."""
    task = pool.task
    keys = task_keys(task)
    key = headline_key(current.capability, task, benchmark)
    cur_row = best_row(current.capability.benchmarks, key) if key else None
    ranked = []
    for entry in pool.passing():
        if current.family is not None and entry.family == current.family:
            continue
        cand = entry.candidate
        head = best_row(cand.capability.benchmarks, key, model=cand.name, like=cur_row) if key else None
        if head is None:
            tier = 2 if cand.capability.benchmarks else 3
        else:
            tier = 0 if cur_row is None or comparable(cur_row, head)[0] else 1
        ranked.append(_Ranked(entry, tier, head.score if head else None, head, cur_row))
    if current.passes_policy is not False:
        ranked = [r for r in ranked if not _dominated(r, current)]
    if not current.capability.benchmarks:  # capability unknown: rank by risk
        ranked.sort(key=lambda r: (r.entry.risk.score, -(r.entry.candidate.headline.score
                                                          if r.entry.candidate.headline else 0.0), r.entry.family))
    else:
        ranked.sort(key=lambda r: (r.tier, -(r.score if r.score is not None else 0.0), r.entry.risk.score,
                                   r.entry.family))
    return [_alternative(r, key, keys, current, task) for r in ranked[:max(limit, 0)]]


def _alternative(r: _Ranked, key: str | None, keys: Sequence[str], current: Weighable, task: str) -> Alternative:
    cand = r.entry.candidate
    order = ([key] if key else []) + [k for k in keys if k != key]
    deltas = []
    for k in order:
        cur = best_row(current.capability.benchmarks, k)
        alt = best_row(cand.capability.benchmarks, k, model=cand.name, like=cur)
        if cur is None and alt is None:
            continue
        deltas.append(_delta(k, cur, alt, current.name or current.subject, cand.name))
    removes, adds = _factor_changes(current.risk, r.entry.risk)
    return Alternative(family=cand.family, name=cand.name, developer=cand.developer, country=cand.country,
                       risk=r.entry.risk, deltas=deltas, removes=removes, adds=adds,
                       summary=_summary(r, key, current, task, removes, adds))


__all__ = ["MATERIAL", "Current", "Weighable", "alternatives_for", "headline_key"]
