"""Statistics for probe results: Wilson intervals, paired bootstrap, McNemar's exact test, Holm and
Benjamini–Hochberg corrections, Cohen's kappa and Krippendorff's alpha. Pure functions, standard library.

With k samples per item the unit of analysis is the item: each item contributes its non-answer share
over its samples, so repeated samples never inflate n (a cluster-level analysis).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

Z95 = 1.959963984540054
MIN_N = 30  # below this many items (or pairs) a rate or index is "insufficient n"
BOOTSTRAP = 2000


def wilson(x: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for x successes out of n (x may be fractional: item-level shares summed)."""
    if n <= 0:
        return (0.0, 1.0)
    p = min(1.0, max(0.0, x / n))
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def binom_two_sided(k: int, n: int) -> float:
    """Exact two-sided p-value of k successes in n fair trials (doubling the smaller tail)."""
    if n == 0:
        return 1.0
    k = min(k, n - k)
    tail = float(sum(math.comb(n, i) for i in range(k + 1))) / float(2 ** n)
    return min(1.0, 2 * tail)


def mcnemar_exact(b: int, c: int) -> float:
    """McNemar's exact test on the discordant pair counts b (yes/no) and c (no/yes)."""
    return binom_two_sided(min(b, c), b + c)


def bootstrap_mean_ci(values: Sequence[float], *, level: float = 0.95, reps: int = BOOTSTRAP,
                      seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean, resampling the given (paired, per-item) values."""
    n = len(values)
    if n == 0:
        return (0.0, 0.0)
    if min(values) == max(values):
        return (float(values[0]), float(values[0]))
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(reps))
    lo = means[math.floor((1 - level) / 2 * reps)]
    hi = means[min(reps - 1, math.ceil((1 + level) / 2 * reps) - 1)]
    return (lo, hi)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (false discovery rate), in the input order."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for rank, i in enumerate(order):
        running = min(running, pvalues[i] * m / (m - rank))
        adjusted[i] = min(1.0, running)
    return adjusted


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same units; None when undefined (no units)."""
    n = len(a)
    if n == 0 or n != len(b):
        return None
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb.get(k, 0) for k in ca) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed >= 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha (nominal) over units, each a list of the raters' labels (None: missing)."""
    coincidence: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, x in enumerate(values):
            for j, y in enumerate(values):
                if i != j:
                    coincidence[(x, y)] += 1 / (m - 1)
    total = sum(coincidence.values())
    if total == 0:
        return None
    marginal: dict[Hashable, float] = defaultdict(float)
    for (x, _), w in coincidence.items():
        marginal[x] += w
    observed = sum(w for (x, y), w in coincidence.items() if x != y)
    expected = sum(marginal[x] * marginal[y] for x in marginal for y in marginal if x != y) / (total - 1)
    if expected == 0:
        return 1.0 if observed == 0 else 0.0
    return 1 - observed / expected
