"""From per-answer results to pass rates: pass@1 with a Wilson 95% interval, per difficulty, and pass@k.

The unit is the task. With k samples, a task contributes the share of its scored samples that passed
(so repeated samples never inflate n), and pass@1 is the mean of those shares, its interval the Wilson
score interval over tasks (`upstream.probe.stats.wilson`, as the behaviour probe does). Below `min_n`
scored tasks a rate is "insufficient n": its count is kept, its value and interval are not shown.
pass@k for k > 1 uses the unbiased estimator of Chen et al. (2021): per task with n scored samples of
which c passed, 1 - C(n - c, k) / C(n, k), averaged over the tasks with n >= k.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from upstream.capability.results import SCORED, CapabilitySummary, PassAtK, TaskResult
from upstream.capability.suite import DIFFICULTIES
from upstream.probe.results import Rate
from upstream.probe.stats import MIN_N
from upstream.probe.summary import make_rate
from upstream.probe.transport import TRANSPORT_CLASSES

STANDARD_K = (1, 2, 5, 10, 20, 50, 100)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of the chance that at least one of k samples passes, from c passes in n samples."""
    if not 0 <= c <= n or k < 1 or k > n:
        raise ValueError(f"pass@{k} needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c})")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def per_task(results: Iterable[TaskResult]) -> dict[str, tuple[int, int]]:
    """Per task id: (scored samples, passed samples); tasks with no scored sample are left out."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.status in SCORED:
            cell = counts[r.task]
            cell[0] += 1
            cell[1] += r.status == "passed"
    return {t: (n, c) for t, (n, c) in counts.items()}


def pass_rate(results: Sequence[TaskResult], min_n: int = MIN_N) -> Rate:
    """pass@1 over tasks: each task's share of passed samples, Wilson 95% interval over tasks."""
    counts = per_task(results)
    return make_rate([c / n for n, c in counts.values()], sum(n for n, _ in counts.values()), min_n)


def pass_at_ks(results: Sequence[TaskResult], samples: int) -> list[PassAtK]:
    counts = per_task(results)
    out = []
    for k in sorted({k for k in STANDARD_K if k <= samples} | {max(1, samples)}):
        eligible = [(n, c) for n, c in counts.values() if n >= k]
        value = sum(pass_at_k(n, c, k) for n, c in eligible) / len(eligible) if eligible else None
        out.append(PassAtK(k=k, value=value, n=len(eligible)))
    return out


def summarize(results: Sequence[TaskResult], *, tasks: int, samples: int, isolation: Sequence[str] = (),
              min_n: int = MIN_N) -> CapabilitySummary:
    transport: dict[str, int] = dict.fromkeys(TRANSPORT_CLASSES, 0)
    transport.update(Counter(r.transport for r in results))
    statuses: dict[str, int] = dict.fromkeys(("passed", "failed", "no-code", "not-scored"), 0)
    statuses.update(Counter(r.status for r in results))
    sandbox = dict(sorted(Counter(r.sandbox_status for r in results if r.sandbox_status).items()))
    levels: list[str] = [d for d in DIFFICULTIES if any(r.difficulty == d for r in results)]
    levels += sorted({r.difficulty for r in results} - set(levels))
    by_difficulty = {d: pass_rate([r for r in results if r.difficulty == d], min_n) for d in levels}
    return CapabilitySummary(tasks=tasks, samples=samples, pass_at_1=pass_rate(results, min_n),
                             by_difficulty=by_difficulty, pass_at_k=pass_at_ks(results, samples),
                             transport=transport, statuses=statuses, sandbox=sandbox, isolation=list(isolation),
                             min_n=min_n)
