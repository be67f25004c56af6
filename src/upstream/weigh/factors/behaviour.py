"""behaviour: what the team's own behaviour probe measured (selective censorship, narrative echo, language gap).

Each metric counts by the *lower* bound of its 95% interval: only what the run demonstrates weighs, and a
run too small to show anything says so. No run: unknown ("not measured"), never zero.
"""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.models import MeasuredRun, Measurement, RiskFactor, RiskStatus
from upstream.weigh.context import WeighContext
from upstream.weigh.factors import judgement as J
from upstream.weigh.factors.common import make, pct, unknown
from upstream.weigh.factors.subject import RiskSubject

_LABELS = {"sci": "selective censorship index", "narrative": "narrative echo", "language_gap": "language gap"}


def _interval(m: Measurement) -> str:
    if m.value is None:
        return "n/a"
    iv = f" [{m.low:.2f}, {m.high:.2f}]" if m.low is not None and m.high is not None else ""
    return f"{m.value:.2f}{iv}"


def _rows(run: MeasuredRun) -> list[Measurement]:
    """The run's metrics this factor reads: over all topics, each language or gap."""
    rows = [m for m in run.metrics if m.metric in J.BEHAVIOUR_FULL]
    overall = [m for m in rows if m.scope == "all"]
    return overall or rows


def behaviour_factor(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """The highest demonstrated behaviour (lower bound over its full-scale value), over the attached runs."""
    fid = "behaviour"
    runs = [r for r in subject.measurements if r.kind == "behaviour"]
    if not runs:
        return unknown(fid, ctx, "not measured: no behaviour probe run attached (upstream probe, then --probe)")
    best: tuple[float, str] | None = None
    details: list[str] = []
    measured = False
    incomplete = False
    for run in runs:
        incomplete = incomplete or not run.complete
        for m in _rows(run):
            label = f"{_LABELS[m.metric]} ({m.lang}{', ' + m.scope if m.scope != 'all' else ''})"
            if m.insufficient or m.value is None or m.low is None:
                details.append(f"{label}: too few items to estimate (n={m.n}) in {run.source}")
                continue
            measured = True
            v = max(0.0, m.low) / J.BEHAVIOUR_FULL[m.metric]
            details.append(f"{label}: {_interval(m)}, n={m.n}, lower bound counts {pct(min(1.0, v))} "
                           f"({run.source})")
            if best is None or v > best[0]:
                best = (v, f"{label} lower bound {m.low:.2f} (estimate {_interval(m)})")
    if not measured or best is None:
        return unknown(fid, ctx, "measured, but no behaviour metric had enough items to estimate", details)
    value = min(1.0, best[0])
    if value > 0:
        reason = f"demonstrated (95% lower bound above 0): {best[1]}"
    else:
        reason = "nothing demonstrated: every 95% lower bound is at or below 0"
    status: RiskStatus = "partial" if incomplete else "known"
    if incomplete:
        details.append("a run did not complete: its rates cover part of the suite")
    return make(fid, ctx, value, status, reason, details)
