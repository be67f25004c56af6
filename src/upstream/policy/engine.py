"""Apply a policy to a Report: every enabled rule over the facts in its scope, then ignores, then the decision.

Pure: the same report, policy, probe metrics and day give the same findings, in the same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fnmatch import fnmatchcase
from typing import Any, Literal

import pathspec

from upstream.artifacts.types import ArtifactCard
from upstream.models import SEVERITY_ORDER, Finding, InventoryItem, Location, PolicyOutcome, Report, Severity
from upstream.policy.config import Ignore, Policy
from upstream.policy.probes import ProbeMetric
from upstream.policy.rules import RULES, Context, Hit, Rule, RuleOptions

_MAX_LOCATIONS = 50
_KIND_RANK = {"code": 0, "config": 1, "env": 2, "notebook": 3, "artifact": 4, "docs": 5}


def fingerprint(rule: str, model: str | None, operator: str | None, path: str | None) -> str:
    """sha256 of rule, model, endpoint operator and first location path: no line numbers, so it survives edits."""
    text = "\n".join((rule, model or "", operator or "", path or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spec(patterns: Sequence[str]) -> pathspec.GitIgnoreSpec | None:
    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


class _Scope:
    """Which paths a rule looks at (its `paths` / `exclude_paths`), and whether docs-only evidence counts."""

    def __init__(self, opts: RuleOptions, include_docs: bool) -> None:
        self.include = _spec(opts.paths)
        self.exclude = _spec(opts.exclude_paths)
        self.include_docs = include_docs

    def has(self, path: str) -> bool:
        if self.include is not None and not self.include.match_file(path):
            return False
        return not (self.exclude is not None and self.exclude.match_file(path))

    def locations(self, item: InventoryItem) -> list[Location]:
        """Where the item is used within scope: code and config first, docs only for a docs-only item."""
        ev = sorted(item.evidence, key=lambda e: (_KIND_RANK.get(e.kind, 9), e.path, e.line or 0))
        if not item.docs_only:
            ev = [e for e in ev if e.kind != "docs"]
        out = [Location(path=e.path, line=e.line, column=e.column, cell=e.cell) for e in ev if self.has(e.path)]
        return out[:_MAX_LOCATIONS]

    def items(self, report: Report) -> tuple[InventoryItem, ...]:
        return tuple(i for i in report.inventory
                     if (self.include_docs or not i.docs_only) and self.locations(i))

    def artifacts(self, report: Report) -> tuple[ArtifactCard, ...]:
        return tuple(c for c in report.artifacts if self.has(c.path))


def _finding(rule: Rule[Any], opts: RuleOptions, hit: Hit) -> Finding:
    severity: Severity = hit.severity or opts.severity or rule.default_severity
    first = hit.locations[0].path if hit.locations else None
    return Finding(rule=rule.id, severity=severity, confidence=hit.confidence, message=hit.message,
                   item=hit.item.id if hit.item else None, model=hit.model, locations=list(hit.locations),
                   fingerprint=fingerprint(rule.id, hit.model, hit.operator, first))


def _glob(pattern: str, value: str | None, fold: bool) -> bool:
    if value is None:
        return False
    return fnmatchcase(value.lower(), pattern.lower()) if fold else fnmatchcase(value, pattern)


def _matches(ig: Ignore, f: Finding, item: InventoryItem | None) -> bool:
    if ig.rule != f.rule:
        return False
    if ig.model and not _glob(ig.model, f.model, fold=True):
        return False
    if ig.path and not any(_glob(ig.path, loc.path, fold=False) for loc in f.locations):
        return False
    if ig.fingerprint and not f.fingerprint.startswith(ig.fingerprint):
        return False
    if ig.endpoint:
        ep = item.endpoint if item is not None else None
        names = [ep.operator_id, ep.host] if ep is not None else []
        if not any(_glob(ig.endpoint, n, fold=True) for n in names):
            return False
    return True


def apply_ignores(findings: Iterable[Finding], ignores: Sequence[Ignore], items: dict[str, InventoryItem],
                  today: date) -> tuple[list[Finding], list[str], list[str]]:
    """Mark the findings an ignore covers; expired ignores stop applying. Returns (findings, unused, expired)."""
    live = [ig for ig in ignores if ig.until is None or ig.until >= today]
    expired = [ig for ig in ignores if ig.until is not None and ig.until < today]
    used: set[int] = set()
    out = []
    for f in findings:
        item = items.get(f.item) if f.item else None
        ig = next((ig for ig in live if _matches(ig, f, item)), None)
        if ig is None:
            out.append(f)
            continue
        used.add(ig.number)
        out.append(Finding(**{**_fields(f), "ignored": True, "ignore_reason": ig.reason,
                              "ignore_expires": ig.until.isoformat() if ig.until else None}))
    unused = [ig.describe() for ig in live if ig.number not in used]
    return out, unused, [ig.describe() for ig in expired]


def _fields(f: Finding) -> dict[str, Any]:
    return {name: getattr(f, name) for name in Finding.__dataclass_fields__}


def _sort_key(f: Finding) -> tuple[Any, ...]:
    first = f.locations[0] if f.locations else None
    return (SEVERITY_ORDER.index(f.severity), f.rule, f.model or "", first.path if first else "",
            first.line or 0 if first else 0, f.fingerprint)


def fails(f: Finding, fail_on: Severity) -> bool:
    """A finding that counts against the policy: not ignored, and at or above `fail_on`."""
    return not f.ignored and SEVERITY_ORDER.index(f.severity) <= SEVERITY_ORDER.index(fail_on)


def evaluate(report: Report, policy: Policy, probes: Iterable[ProbeMetric] = (),
             today: date | None = None) -> tuple[list[Finding], PolicyOutcome]:
    """Findings of every enabled rule, with ignores applied, and the decision. `today` decides which ignores have
    expired (default: the day the report was generated)."""
    day = today or _report_day(report)
    probe_list = tuple(probes)
    findings: dict[str, Finding] = {}
    for rule in RULES:
        opts = policy.rules.get(rule.id)
        if opts is None or not opts.enabled:
            continue
        scope = _Scope(opts, policy.include_docs)
        locate: Callable[[InventoryItem], list[Location]] = scope.locations
        ctx = Context(items=scope.items(report), artifacts=scope.artifacts(report), probes=probe_list,
                      all_items=tuple(report.inventory), locate=locate)
        for hit in rule.check(ctx, opts):
            f = _finding(rule, opts, hit)
            findings.setdefault(f.fingerprint, f)
    items = {i.id: i for i in report.inventory}
    marked, unused, expired = apply_ignores(sorted(findings.values(), key=_sort_key), policy.ignores, items, day)
    decision: Literal["pass", "fail"] = "fail" if any(fails(f, policy.fail_on) for f in marked) else "pass"
    outcome = PolicyOutcome(source=policy.source, profile=policy.profile, decision=decision, fail_on=policy.fail_on,
                            unused_ignores=unused, expired_ignores=expired)
    return marked, outcome


def _report_day(report: Report) -> date:
    try:
        return date.fromisoformat(report.generated_at[:10])
    except ValueError:
        return date.today()
