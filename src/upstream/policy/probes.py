"""The input the `probe-threshold` rule reads: one measured behaviour rate per model, with its interval.

`upstream scan --probe RUN.json` (and `upstream report --probe`) attach saved probe runs to the inventory items
they measured; `metrics_from_report` turns every attached behaviour run into `ProbeMetric` values (each naming its
item) for `evaluate(..., probes=...)`. `metrics_from_probe_report` reads a saved `upstream probe -f json` report
directly, for callers without a scan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upstream.models import InventoryItem, Report

RATE_METRICS = ("non_answer", "refusal", "deflection", "narrative", "omission")
"""Rates over the China-topic ("target") items of a probe run, per language"""
INDEX_METRICS = ("sci", "language_gap")
"""Paired indices: selective censorship (target minus mirror controls) and the language gap"""
CONTROL_METRICS = ("over_refusal",)
"""Non-answers on the over-refusal controls (safe questions that look sensitive), per language"""
METRICS = RATE_METRICS + INDEX_METRICS + CONTROL_METRICS


@dataclass(frozen=True, slots=True, kw_only=True)
class ProbeMetric:
    """One measured number for one model behind one endpoint.

    `value` is the point estimate, `low`/`high` its 95% interval; `insufficient` when n was too small to
    estimate (then `value` is None). `scope` is "all" or a topic id; `lang` a language tag or a gap such
    as "zh-Hans-en".
    """

    model: str
    endpoint: str | None = None
    metric: str
    lang: str = "*"
    scope: str = "all"
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    insufficient: bool = False
    item: str | None = None
    """The inventory item the run was attached to, when it came from an attached run"""


def _f(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _rates(model: str, endpoint: str | None, cells: list[Any]) -> Iterator[ProbeMetric]:
    for cell in cells:
        if not isinstance(cell, Mapping) or cell.get("role") not in ("target", "over-refusal"):
            continue
        pairs = ([(name, name) for name in RATE_METRICS] if cell["role"] == "target"
                 else [("over_refusal", "non_answer")])
        for name, key in pairs:
            rate = cell.get(key)
            if isinstance(rate, Mapping):
                yield ProbeMetric(model=model, endpoint=endpoint, metric=name, lang=str(cell.get("lang", "*")),
                                  value=_f(rate.get("value")), low=_f(rate.get("low")), high=_f(rate.get("high")),
                                  n=int(rate.get("n") or 0), insufficient=bool(rate.get("insufficient")))


def _indices(model: str, endpoint: str | None, indices: list[Any]) -> Iterator[ProbeMetric]:
    for idx in indices:
        if isinstance(idx, Mapping) and idx.get("name") in INDEX_METRICS:
            yield ProbeMetric(model=model, endpoint=endpoint, metric=str(idx["name"]), lang=str(idx.get("lang", "*")),
                              scope=str(idx.get("scope", "all")), value=_f(idx.get("estimate")),
                              low=_f(idx.get("low")), high=_f(idx.get("high")), n=int(idx.get("n") or 0),
                              insufficient=bool(idx.get("insufficient")))


def metrics_from_probe_report(doc: Mapping[str, Any]) -> list[ProbeMetric]:
    """The metrics of a saved probe report (the JSON `upstream probe -f json` writes): target-item rates and
    over-refusal per language from `summary.roles`, and the `sci` / `language_gap` indices. Unknown shapes yield
    nothing."""
    fp = doc.get("fingerprint")
    summary = doc.get("summary")
    if not isinstance(fp, Mapping) or not isinstance(summary, Mapping) or not fp.get("model"):
        return []
    model, endpoint = str(fp["model"]), (str(fp["endpoint"]) if fp.get("endpoint") else None)
    roles = summary.get("roles")
    out = list(_rates(model, endpoint, roles if isinstance(roles, list) else []))
    for key in ("sci", "language_gap"):
        part = summary.get(key)
        out += _indices(model, endpoint, part if isinstance(part, list) else [])
    return out


def metrics_from_item(item: InventoryItem) -> list[ProbeMetric]:
    """The metrics of the behaviour runs attached to one inventory item, named after the item (its canonical id
    and endpoint) so that the rule reports them there."""
    ep = item.endpoint
    endpoint = (ep.url or (f"//{ep.host}" if ep.host else None)) if ep is not None else None
    return [ProbeMetric(model=item.model.canonical, endpoint=endpoint, metric=m.metric, lang=m.lang, scope=m.scope,
                        value=m.value, low=m.low, high=m.high, n=m.n, insufficient=m.insufficient, item=item.id)
            for run in item.measurements if run.kind == "behaviour"
            for m in run.metrics if m.metric in METRICS]


def metrics_from_report(report: Report) -> list[ProbeMetric]:
    """The metrics of every behaviour run attached to the report's inventory (`--probe RUN.json`)."""
    return [m for item in report.inventory for m in metrics_from_item(item)]
