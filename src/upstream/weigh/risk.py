"""Provenance risk, factor by factor, and the total that is never shown without its factors.

    score = assess_risk(RiskSubject(provenance, endpoint, measurements, artifacts, revision_pinned), ctx, kb)

Each factor is a pure function (subject, context, knowledge base) -> RiskFactor: a value from 0 (no concern)
to 1, its weight from the context, a one-line reason, details and the knowledge-base sources behind it.
A factor whose facts are missing is "unknown" with no value: the total counts it at the context's
`unknown_as` and spreads [low, high] over what it could be (0 and 1). The numbers that are judgements
live in `upstream.weigh.factors.judgement` and docs/weigh.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from upstream.kb.loader import KnowledgeBase
from upstream.models import RiskFactor, RiskLevel, RiskScore
from upstream.weigh.context import WeighContext
from upstream.weigh.factors.behaviour import behaviour_factor
from upstream.weigh.factors.endpoint import endpoint_factor
from upstream.weigh.factors.judgement import FACTOR_IDS, FACTOR_NAMES, LEVELS, MIN_HIGH_FOR_LOW
from upstream.weigh.factors.jurisdiction import developer_jurisdiction, lineage_roots
from upstream.weigh.factors.licence import licence_factor
from upstream.weigh.factors.subject import RiskSubject
from upstream.weigh.factors.supply_chain import supply_chain_factor
from upstream.weigh.factors.transparency import transparency_factor

Factor = Callable[[RiskSubject, WeighContext, KnowledgeBase], RiskFactor]

FACTORS: dict[str, Factor] = {
    "developer-jurisdiction": developer_jurisdiction,
    "lineage-roots": lineage_roots,
    "endpoint": endpoint_factor,
    "licence": licence_factor,
    "transparency": transparency_factor,
    "behaviour": behaviour_factor,
    "supply-chain": supply_chain_factor,
}
assert tuple(FACTORS) == FACTOR_IDS


def level_of(score: float, high: float) -> RiskLevel:
    """The level of a total: by its score, and never "low" while unknown factors could lift it (see LEVELS)."""
    level: RiskLevel = next((name for name, bound in LEVELS if score < bound), "high")
    if level == "low" and high >= MIN_HIGH_FOR_LOW:
        return "moderate"
    return level


def total(factors: Sequence[RiskFactor], unknown_as: float) -> RiskScore:
    """The weighted mean of the factors (unknown at `unknown_as`; low/high with unknown at 0/1), with all of them.
    Factors of weight 0 or "not-applicable" are listed but not counted; when none counts, every factor weighs 1."""
    counted = [f for f in factors if f.status != "not-applicable" and f.weight > 0]
    if not counted:
        counted = [f for f in factors if f.status != "not-applicable"]
        weights = [1.0] * len(counted)
    else:
        weights = [f.weight for f in counted]
    wsum = sum(weights)
    if not counted or wsum <= 0:
        return RiskScore(score=0.0, low=0.0, high=1.0, level="moderate", unknown=[f.id for f in factors if
                                                                                   f.value is None],
                         factors=list(factors))

    def mean(fill: float) -> float:
        return round(sum(w * (f.value if f.value is not None else fill) for f, w in zip(counted, weights,
                                                                                         strict=True)) / wsum, 3)

    score, low, high = mean(unknown_as), mean(0.0), mean(1.0)
    unknown = [f.id for f in factors if f.status == "unknown" or (f.value is None and f.status != "not-applicable")]
    return RiskScore(score=score, low=low, high=high, level=level_of(score, high), unknown=unknown,
                     factors=list(factors))


def assess_risk(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskScore:
    """Every factor of `subject` for the team in `ctx`, and their weighted total."""
    return total([fn(subject, ctx, kb) for fn in FACTORS.values()], ctx.unknown_as)


__all__ = ["FACTORS", "FACTOR_IDS", "FACTOR_NAMES", "RiskSubject", "assess_risk", "level_of", "total"]
