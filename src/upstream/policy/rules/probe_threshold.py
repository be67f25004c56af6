"""probe-threshold: a model whose measured behaviour crosses a threshold the policy sets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal
from urllib.parse import urlsplit

from pydantic import field_validator

from upstream.models import InventoryItem
from upstream.policy.probes import METRICS, ProbeMetric
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions


class ThresholdOptions(RuleOptions):
    max: dict[str, float]
    """Metric -> the highest acceptable value, e.g. { narrative = 0.10, sci = 0.20 }; metrics: non_answer, refusal,
    deflection, narrative, omission (rates on the China-topic items), over_refusal (safe questions that look
    sensitive), sci, language_gap (paired indices)"""
    bound: Literal["low", "value", "high"] = "low"
    """Which number must exceed the threshold: the interval's lower bound (only clear breaches), the estimate, or the
    upper bound (anything that might breach)"""
    min_n: int = 0
    """Ignore measurements over fewer items than this"""
    languages: tuple[str, ...] = ()
    """Only these languages (default: all)"""
    topics: bool = False
    """Also check per-topic indices, not only the overall ones"""

    @field_validator("max")
    @classmethod
    def _metrics(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("set at least one threshold, e.g. max = { narrative = 0.1 }; metrics: "
                             + ", ".join(METRICS))
        for k, v in value.items():
            if k not in METRICS:
                raise ValueError(f"unknown metric {k!r}; metrics: {', '.join(METRICS)}")
            if not -1.0 <= v <= 1.0:
                raise ValueError(f"{k} = {v}: rates and indices lie between -1 and 1")
        return value


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url and "//" in url else None


def _item_for(metric: ProbeMetric, items: tuple[InventoryItem, ...]) -> InventoryItem | None:
    """The inventory item a measurement is about: the one it was attached to, else the same model, preferring the
    same endpoint host."""
    if metric.item is not None:
        return next((i for i in items if i.id == metric.item), None)
    name = metric.model.lower()
    same = [i for i in items if name in (i.model.canonical.lower(), i.model.raw.lower())]
    host = _host(metric.endpoint)
    for item in same:
        if item.endpoint is not None and (item.endpoint.host == host or (item.endpoint.local and host in
                                                                           ("localhost", "127.0.0.1", "::1"))):
            return item
    return same[0] if same else None


class ProbeThreshold(Rule[ThresholdOptions]):
    id = "probe-threshold"
    name = "ProbeThreshold"
    default_severity = "medium"
    summary = "The model's measured behaviour crosses a threshold the policy sets"
    checks = ("Behaviour measured by `upstream probe` (refusal, deflection and state-narrative rates on politically "
              "sensitive items, the selective-censorship index against matched controls, the language gap), "
              "against the highest value the policy accepts per metric. By default only a breach the statistics "
              "support counts: the lower bound of the 95% interval must exceed the threshold (`bound`). "
              "Attach saved runs with `upstream scan PATH --probe RUN.json` (or `upstream report SAVED.json --probe "
              "RUN.json`): each run goes to the inventory item it measured, and this rule reads it there.")
    why = ("Provenance says where a model comes from; behaviour says what that did to it. NIST's CAISI found "
           "DeepSeek models echoing inaccurate CCP narratives about four times as often as US reference models; the "
           "PRC's generative-AI measures require services to adhere to \"core socialist values\". A measured rate "
           "with its interval is evidence a reviewer can weigh; a country is only a proxy.")
    fix = ("Use another model or serving path (a different host or system prompt can change the measurement), "
           "re-run the probe with more samples if the interval is wide, or record a reviewed exception as an "
           "`[[ignore]]` with a reason.")
    example = '[rules.probe-threshold]\nmax = { narrative = 0.10, sci = 0.20 }\nbound = "low"\nmin_n = 20'
    tags = ("behaviour", "censorship", "evaluation")
    kb_sources = ("caisi-ds-2025", "genai-lexis")
    options = ThresholdOptions

    def check(self, ctx: Context, opts: ThresholdOptions) -> Iterator[Hit]:
        breaches: dict[str, tuple[InventoryItem | None, str, list[str]]] = {}
        for m in ctx.probes:
            limit = opts.max.get(m.metric)
            if limit is None or m.insufficient or m.n < opts.min_n:
                continue
            if (opts.languages and m.lang not in opts.languages) or (m.scope != "all" and not opts.topics):
                continue
            number = {"low": m.low, "value": m.value, "high": m.high}[opts.bound]
            if number is None or number <= limit:
                continue
            item = _item_for(m, ctx.all_items)
            if item is not None and item not in ctx.items:
                continue  # outside the rule's paths
            scope = "" if m.scope == "all" else f", topic {m.scope}"
            interval = f" [{m.low:.2f}, {m.high:.2f}]" if m.low is not None and m.high is not None else ""
            value = "n/a" if m.value is None else f"{m.value:.3g}"
            text = f"{m.metric} {value}{interval} ({m.lang}{scope}, n={m.n})"
            key = item.id if item is not None else f"{m.model}@{m.endpoint}"
            breaches.setdefault(key, (item, m.model, []))[2].append(text + f" > {limit}")
        for item, model, texts in breaches.values():
            message = f"{model}: measured behaviour crosses the policy's thresholds: " + "; ".join(texts)
            if item is not None:
                yield ctx.hit(item, message)
            else:
                yield Hit(message=message + " (no matching model in the inventory)", model=model, locations=[])


RULE = ProbeThreshold()
