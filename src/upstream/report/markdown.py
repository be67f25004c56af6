"""Markdown for a pull-request comment: the decision, the findings by severity, and the models with their origins.

Sized for GitHub's 65,536-character comment limit: when the report is larger, tables are cut at a budget and
each cut says how many rows it left out and where to find them. Everything taken from the scanned code is
escaped, so a model id cannot inject links, images or HTML into the comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from upstream.models import SEVERITY_ORDER, Finding, InventoryItem, Location, Report
from upstream.policy.facts import short_name
from upstream.report.sarif import repo_path

MAX_CHARS = 60_000
"""Below GitHub's 65,536-character limit, leaving room for what a CI step wraps around the comment"""
_CELL_MAX = 300
_SPECIAL = re.compile(r"([\\`*_\[\]<>|!#~&])")
_WHERE_SHOWN = 3


def text(value: object, limit: int = _CELL_MAX) -> str:
    """Scanned text made safe for a table cell: one line, Markdown and HTML characters escaped, length capped."""
    s = " ".join(str(value).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", s)


def code(value: object) -> str:
    """A short code span (backticks removed from the content, pipes escaped for tables)."""
    s = " ".join(str(value).split()).replace("`", "'")[:_CELL_MAX]
    return f"`{s}`".replace("|", "\\|")


def _where(report: Report, locs: Sequence[Location]) -> str:
    if not locs:
        return "-"
    shown = []
    for loc in locs[:_WHERE_SHOWN]:
        at = f":{loc.line}" if loc.line else ""
        cell = f" (cell {loc.cell})" if loc.cell is not None else ""
        shown.append(code(repo_path(report.root, loc.path) + at) + cell)
    more = f" (+{len(locs) - _WHERE_SHOWN})" if len(locs) > _WHERE_SHOWN else ""
    return ", ".join(shown) + more


def _counts(findings: Sequence[Finding]) -> str:
    by = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    return ", ".join(f"{n} {s}" for s, n in by.items() if n)


_NOTE = 220
"""Room kept for the note that says how many rows a table left out"""
_RESERVE = 900
"""Room kept for the list of left-out sections and the footer"""


class _Writer:
    """Appends sections while the character budget lasts. A table that does not fit is cut with a note saying
    how many rows it left out; a section that does not fit at all is named at the end. Nothing vanishes silently."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.left = limit - _RESERVE
        self.omitted: list[str] = []

    def add(self, block: str) -> bool:
        if len(block) + 1 > self.left:
            return False
        self.parts.append(block)
        self.left -= len(block) + 1
        return True

    def section(self, title: str, rows: Sequence[str], what: str, header: str = "") -> None:
        if not rows:
            return
        intro = f"{title}\n\n" + (f"{header}\n" if header else "")
        if len(intro) + len(rows[0]) + 2 + _NOTE > self.left:
            self.omitted.append(f"{what} ({len(rows)})")
            return
        lines: list[str] = []
        used = len(intro)
        for row in rows:
            if used + len(row) + 1 > self.left - _NOTE:
                break
            lines.append(row)
            used += len(row) + 1
        self.add(intro + "\n".join(lines) + "\n")
        if cut := len(rows) - len(lines):
            self.add(f"_{cut} more {what} not shown (comment size limit); the full list is in the JSON or SARIF "
                     "report (`upstream scan -f json`)._\n")

    def finish(self, footer: str) -> str:
        if self.omitted:
            self.parts.append(f"_Not shown (comment size limit): {', '.join(self.omitted)}. The full list is in the "
                              "JSON or SARIF report (`upstream scan -f json`)._\n")
        self.parts.append(footer)
        return "\n".join(self.parts)


def _finding_rows(report: Report, findings: Sequence[Finding],
                  extra: Callable[[Finding], str] | None = None) -> list[str]:
    rows = []
    for f in findings:
        tail = f" | {extra(f)}" if extra else ""
        rows.append(f"| {code(f.rule)} | {text(f.model or '-', 120)} | {_where(report, f.locations)} | "
                    f"{text(f.message)}{tail} |")
    return rows


def _item_rows(report: Report, items: Sequence[InventoryItem]) -> list[str]:
    rows = []
    for i in items:
        prov, ep = i.provenance, i.endpoint
        dev = prov.developer if prov else None
        developer = text(short_name(dev.name), 60) if dev else "unknown"
        country = dev.country if dev and dev.country else "-"
        if ep is None:
            served, op_country = "not named in the code", "-"
        else:
            served = text(ep.operator or ep.host or ep.url or "unknown", 60) + (" (implied)" if ep.implied else "")
            op_country = "own machines" if ep.local else (ep.operator_country or (
                f"parent {ep.parent_country}" if ep.parent_country else "unknown"))
        licence = text(prov.licence.spdx or prov.licence.id, 40) if prov and prov.licence else "-"
        status = prov.status if prov else "not resolved"
        rows.append(f"| {text(i.model.canonical, 120)} | {developer} | {country} | {served} | {op_country} | "
                    f"{licence} | {status} | {_where(report, _used_at(i))} |")
    return rows


def _used_at(item: InventoryItem) -> list[Location]:
    ev = [e for e in item.evidence if item.docs_only or e.kind != "docs"]
    return [Location(path=e.path, line=e.line, cell=e.cell) for e in ev]


def _heading(report: Report) -> str:
    if report.policy is None:
        return "## upstream: model inventory (no policy applied)"
    if report.policy.decision == "fail":
        return "## ❌ upstream: policy failed"
    return "## ✅ upstream: policy passed"


def _summary(report: Report) -> str:
    used = [i for i in report.inventory if not i.docs_only]
    docs = len(report.inventory) - len(used)
    facts = [f"{len(used)} model(s) in use", f"{docs} mentioned in documentation only"]
    if report.policy is not None:
        p = report.policy
        profile = f" over profile {code(p.profile)}" if p.profile and not p.source.startswith("profile:") else ""
        facts.append(f"policy {code(p.source)}{profile}, fails on {p.fail_on} and above")
    kb = f", knowledge base {code(report.kb_version)}" if report.kb_version else ""
    return " · ".join(facts) + f" · upstream {text(report.tool_version)}{kb}"


def _verdict(report: Report, failing: list[Finding], below: list[Finding], ignored: list[Finding]) -> str:
    if report.policy is None:
        return ("No policy was applied, so nothing was checked: add an `upstream.toml` (see `upstream policy "
                "profiles`) to hold changes to one.")
    parts = [f"**{len(failing)} finding(s) fail the policy**" + (f" ({_counts(failing)})" if failing else "")]
    parts.append(f"{len(below)} below the threshold" + (f" ({_counts(below)})" if below else ""))
    parts.append(f"{len(ignored)} ignored with a reason")
    return ", ".join(parts) + "."


def render_markdown(report: Report, color: bool = False, limit: int = MAX_CHARS) -> str:
    from upstream.policy.engine import fails

    fail_on = report.policy.fail_on if report.policy else "info"
    live = [f for f in report.findings if not f.ignored]
    failing = [f for f in live if report.policy is not None and fails(f, fail_on)]
    below = [f for f in live if not (report.policy is not None and fails(f, fail_on))]
    ignored = [f for f in report.findings if f.ignored]
    w = _Writer(limit)
    w.add(f"{_heading(report)}\n\n{_summary(report)}\n\n{_verdict(report, failing, below, ignored)}\n")
    if not report.complete:
        w.add("> **Incomplete scan:** some files could not be read or parsed, so models may be missing "
              "(see `skipped` in the JSON report).\n")
    header = "| Rule | Model | Where | Finding |\n|---|---|---|---|"
    for sev in SEVERITY_ORDER:
        group = [f for f in live if f.severity == sev]
        if group:
            mark = "fails the policy" if report.policy is not None and fails(group[0], fail_on) else "reported only"
            w.section(f"### {sev.capitalize()} ({len(group)}, {mark})", _finding_rows(report, group),
                      f"{sev} findings", header)
    w.section(f"### Ignored ({len(ignored)})",
              _finding_rows(report, ignored, lambda f: f"{text(f.ignore_reason or '')} | {f.ignore_expires or '-'}"),
              "ignored findings", "| Rule | Model | Where | Finding | Reason | Until |\n|---|---|---|---|---|---|")
    if report.policy is not None:
        lines = [f"- Expired, no longer applies: {text(x)}" for x in report.policy.expired_ignores]
        lines += [f"- Unused, matches no finding: {text(x)}" for x in report.policy.unused_ignores]
        w.section("### Ignores to review", lines, "ignores to review")
    used = [i for i in report.inventory if not i.docs_only]
    w.section(f"### Models ({len(used)})", _item_rows(report, used), "models",
              "| Model | Developer | Country | Served by | Operator country | Licence | Provenance | Where |\n"
              "|---|---|---|---|---|---|---|---|")
    docs = [i for i in report.inventory if i.docs_only]
    if docs:
        names = ", ".join(text(i.model.canonical, 80) for i in docs[:50])
        more = f" and {len(docs) - 50} more" if len(docs) > 50 else ""
        w.add(f"Mentioned in documentation only (not held to the policy unless it sets `include_docs`): "
              f"{names}{more}.\n")
    from upstream.report.probe_text import markdown_section

    if (measured := markdown_section(report)) and not w.add(measured):
        w.omitted.append("measured behaviour")
    if report.weigh is not None:
        from upstream.report.weigh_text import weigh_markdown

        if not w.add(weigh_markdown(report.weigh, limit=w.left - 1)):
            w.omitted.append("weigh section")
    return w.finish("<sub>`upstream explain RULE` explains a rule; `upstream explain MODEL` shows a model's "
                    "provenance card.</sub>\n")
