"""A terminal table grouped by model: identifier, who serves it, kinds of evidence, first locations."""

from __future__ import annotations

import re

from upstream.models import InventoryItem, Report
from upstream.report.probe_text import table_line

_MAX_LOCATIONS = 3


def _short(name: str) -> str:
    """`Alibaba Group / Alibaba Cloud - Qwen team` -> `Alibaba Group`; `DeepSeek (Hangzhou ...)` -> `DeepSeek`."""
    return re.split(r" \(| / | - |, ", name, maxsplit=1)[0]


def _served_by(item: InventoryItem) -> str:
    ep = item.endpoint
    if ep is None:
        return "-"
    who = _short(ep.operator or ep.host or ep.url or "?")
    if ep.operator_country or ep.parent_country:
        country = ep.operator_country or "?"
        if ep.parent_country and ep.parent_country != ep.operator_country:
            country += f", parent {ep.parent_country}"
        who += f" ({country})"
    if ep.implied:
        who += " *"
    return who


def _developer(item: InventoryItem) -> str:
    prov = item.provenance
    if prov is None:
        return "-"
    if prov.developer is None:
        return "unknown" if prov.status == "unknown" else "?"
    name = _short(prov.developer.name)
    roots = {r.developer.country for r in prov.roots if r.developer and r.developer.country}
    country = prov.developer.country or "?"
    other = sorted(roots - {country})
    return f"{name} ({country}{'; roots ' + ', '.join(other) if other else ''})"


def _where(item: InventoryItem) -> str:
    locs = []
    for ev in item.evidence[:_MAX_LOCATIONS]:
        loc = f"{ev.path}:{ev.line}" if ev.line else ev.path
        locs.append(loc)
    more = len(item.evidence) - _MAX_LOCATIONS
    return ", ".join(locs) + (f" (+{more})" if more > 0 else "")


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(report: Report, color: bool = False) -> str:
    bold, dim, reset = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "")
    used = [i for i in report.inventory if not i.docs_only]
    docs = [i for i in report.inventory if i.docs_only]
    rows = [("MODEL", "DEVELOPER", "SERVED BY", "EVIDENCE", "LOCATIONS")]
    for item in used:
        rows.append((
            _fit(item.model.canonical, 48),
            _fit(_developer(item), 36),
            _fit(_served_by(item), 36),
            ",".join(item.kinds),
            _where(item),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[i].ljust(widths[i]) for i in range(4)] + [r[4]]
        line = "  ".join(cells).rstrip()
        lines.append(f"{bold}{line}{reset}" if n == 0 else line)
        if n and (probe_line := table_line(used[n - 1])):
            lines.append(f"  {dim}{probe_line}{reset}")
    if not used:
        lines = ["No models found in code, configuration, notebooks or artifacts."]
    if docs:
        lines.append("")
        lines.append(f"{dim}Mentioned in documentation only:{reset}")
        for item in docs:
            lines.append(f"  {item.model.canonical}  {dim}{_where(item)}{reset}")
    if report.sdks:
        lines.append("")
        sdk_list = ", ".join(f"{s.name} ({s.ecosystem})" for s in report.sdks)
        lines.append(f"{dim}AI SDKs declared as dependencies:{reset} {sdk_list}")
    if any(i.endpoint and i.endpoint.implied for i in used):
        lines.append("")
        lines.append(f"{dim}* endpoint implied by the SDK or route (no base URL written){reset}")
    if report.weigh is not None:
        from upstream.report.weigh_text import render_weigh_text

        lines += ["", render_weigh_text(report.weigh, color).rstrip("\n")]
    return "\n".join(lines) + "\n"
