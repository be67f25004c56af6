"""Weigh a report: each model in use gets its risk factor by factor, its capability and its alternatives.

The candidate pool (every knowledge-base family with benchmark rows for the task, weighed under the team's
context and policy) is built once and shared by every model weighed, so a large inventory costs little more
than a small one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from upstream import __version__
from upstream.artifacts.types import ArtifactCard
from upstream.endpoints import table
from upstream.kb.loader import KnowledgeBase, default_kb
from upstream.models import (
    Assessment,
    Capability,
    Evidence,
    Finding,
    Hub,
    InventoryItem,
    ModelRef,
    Report,
    ScanStats,
    WeighOutcome,
)
from upstream.policy.config import Policy
from upstream.policy.engine import fails
from upstream.resolve.resolver import resolve
from upstream.weigh.alternatives import alternatives_for, headline_key
from upstream.weigh.candidates import pool_for, serving_endpoint
from upstream.weigh.capability import benchmark_title, best_row, capability_of
from upstream.weigh.context import WeighContext, context_from_policy
from upstream.weigh.factors.subject import RiskSubject
from upstream.weigh.frontier import frontier_points
from upstream.weigh.risk import assess_risk

NAMED_ROOT = "(named on the command line)"
_URL = re.compile(r"^(?P<model>.+?)@(?P<url>(?:https?://|localhost|127\.|\[).+)$", re.IGNORECASE)


# --------------------------------------------------------------------------- models named on the command line


def split_named(text: str) -> tuple[str, str | None]:
    """`MODEL@URL` -> (MODEL, URL); a bare model id -> (MODEL, None). Ollama tags and org/name ids keep their @."""
    m = _URL.match(text.strip())
    return (m["model"], m["url"]) if m else (text.strip(), None)


def named_item(text: str, kb: KnowledgeBase) -> InventoryItem:
    """An inventory item for a model named on the command line, resolved, with its serving path: the endpoint
    given after `@`, else its natural one (self-hosted when the weights are open, else the developer's API)."""
    model, url = split_named(text)
    endpoint = table().for_url(url) if url else None
    prov = resolve(model, kb, endpoint=endpoint)
    if endpoint is None:
        endpoint = serving_endpoint(prov, kb, model)
        prov = replace(prov, endpoint=endpoint)
    hub: Hub = "api" if not endpoint.local else ("huggingface" if "/" in model else "unknown")
    ev = Evidence(path=NAMED_ROOT, line=None, raw=text, snippet=text, kind="config", confidence="high",
                  technique="other", detector="weigh", note="named on the command line")
    key = model if endpoint.local or not endpoint.host else f"{model}@{endpoint.host}"
    return InventoryItem(id=key, model=ModelRef(raw=model, canonical=model, hub=hub), endpoint=endpoint,
                         kinds=["config"], docs_only=False, confidence="high", evidence=[ev], provenance=prov)


def named_report(models: Sequence[str], kb: KnowledgeBase | None = None) -> Report:
    """A report whose inventory is the models named on the command line (duplicates merged)."""
    kb = kb or default_kb()
    items: dict[str, InventoryItem] = {}
    for text in models:
        if not text.strip():
            continue
        item = named_item(text, kb)
        items.setdefault(item.id, item)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Report(tool_version=__version__, generated_at=now, root=NAMED_ROOT, inventory=list(items.values()),
                  endpoints=[], sdks=[], skipped=[], statuses=[],
                  stats=ScanStats(files_seen=0, files_scanned=0, files_skipped=0, dirs_skipped=0, bytes_read=0,
                                  seconds=0.0, jobs=1),
                  kb_version=kb.version, complete=True)


# --------------------------------------------------------------------------- one model


def _pinned(item: InventoryItem) -> bool | None:
    if item.model.revision:
        return True
    return False if item.model.hub == "huggingface" and not (item.endpoint and not item.endpoint.local) else None


def _artifacts(item: InventoryItem, cards: Sequence[ArtifactCard]) -> list[ArtifactCard]:
    paths = {e.path for e in item.evidence if e.kind == "artifact"}
    return [c for c in cards if c.path in paths]


def _failing(item: InventoryItem, findings: Sequence[Finding], policy: Policy | None) -> list[str]:
    if policy is None:
        return []
    out: list[str] = []
    for f in findings:
        if f.item == item.id and fails(f, policy.fail_on) and f.rule not in out:
            out.append(f.rule)
    return out


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _summary(a: Assessment, task: str) -> str:
    r = a.risk
    unknown = f", {len(r.unknown)} factor(s) unknown ({', '.join(r.unknown)})" if r.unknown else ""
    text = f"{a.name or a.subject}: risk {_fmt(r.score)} {r.level} [{_fmt(r.low)}-{_fmt(r.high)}]{unknown}"
    key = headline_key(a.capability, task)
    row = best_row(a.capability.benchmarks, key) if key else None
    if row is not None:
        kind = "independent" if row.independent else "vendor-reported"
        text += f"; {benchmark_title(row.benchmark)} {row.score:g} ({kind}, {row.date})"
    elif not a.capability.measured:
        text += f"; no cited {task} benchmark"
    if a.passes_policy is False:
        text += f"; fails the policy ({', '.join(a.policy_rules)})"
    if a.alternatives:
        text += f". Best alternative: {a.alternatives[0].summary}"
    elif a.passes_policy is not None:
        text += ". No alternative the policy allows does better"
    return text


def assess_item(item: InventoryItem, ctx: WeighContext, kb: KnowledgeBase, *, findings: Sequence[Finding] = (),
                policy: Policy | None = None, artifacts: Sequence[ArtifactCard] = ()) -> Assessment:
    """Risk and capability of one inventory item (alternatives are added by `weigh_report`)."""
    prov = item.provenance
    subject = RiskSubject(provenance=prov, endpoint=item.endpoint, measurements=tuple(item.measurements),
                          artifacts=tuple(_artifacts(item, artifacts)), revision_pinned=_pinned(item))
    risk = assess_risk(subject, ctx, kb)
    family = prov.family if prov else None
    name = (prov.model if prov and prov.model else None) or item.model.canonical
    measured = [r for r in item.measurements if r.kind == "capability"]
    cap = capability_of(family, name, ctx.task, kb, measured) if family else Capability(task=ctx.task,
                                                                                          measured=measured)
    rules = _failing(item, findings, policy)
    return Assessment(subject=item.model.canonical, item=item.id, family=family, name=name,
                      provenance_status=prov.status if prov else "unknown",
                      passes_policy=None if policy is None else not rules, policy_rules=rules, risk=risk,
                      capability=cap, summary="")


# --------------------------------------------------------------------------- a report


def weigh_report(report: Report, *, policy: Policy | None = None, task: str | None = None, alternatives: int = 5,
                 include_docs: bool = False, benchmark: str | None = None, kb: KnowledgeBase | None = None,
                 today: date | None = None) -> Report:
    """The report with its `weigh` section: every model in use (docs-only mentions with `include_docs`) weighed
    under the policy's [weigh] context, with up to `alternatives` alternatives each and the frontier."""
    kb = kb or default_kb()
    ctx = context_from_policy(policy, task=task)
    policy = policy if policy is not None and policy.rules else None  # a file with only [weigh] gates nothing
    measured = any(i.measurements for i in report.inventory)
    if policy is not None and (measured or report.policy is None or report.policy.source != policy.source):
        # not the scan's own verdict: another policy, or probe runs attached since
        from upstream.policy import with_policy
        from upstream.policy.probes import metrics_from_report

        report = with_policy(report, policy, metrics_from_report(report))
    pool = pool_for(kb, ctx.task, ctx, policy, today)
    items = [i for i in report.inventory if include_docs or not i.docs_only]
    assessments = []
    for item in items:
        a = assess_item(item, ctx, kb, findings=report.findings, policy=policy, artifacts=report.artifacts)
        alts = alternatives_for(a, pool, limit=alternatives, benchmark=benchmark) if alternatives else []
        a = replace(a, alternatives=alts)
        assessments.append(replace(a, summary=_summary(a, ctx.task)))
    key, points = frontier_points(pool, assessments, benchmark)
    outcome = WeighOutcome(task=ctx.task, benchmark=key or "", profile=ctx.profile, context=ctx.as_dict(),
                           weights={f: ctx.weight(f) for f in _factor_ids()}, assessments=assessments,
                           frontier=points)
    return replace(report, weigh=outcome)


def _factor_ids() -> tuple[str, ...]:
    from upstream.weigh.factors.judgement import FACTOR_IDS

    return tuple(FACTOR_IDS)
