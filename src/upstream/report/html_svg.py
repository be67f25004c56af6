"""Inline SVG for the HTML report: bar charts and lineage graphs. Every text is escaped here."""

from __future__ import annotations

from html import escape

from upstream.models import InventoryItem
from upstream.report import facts

_BAR_H, _BAR_GAP, _LABEL_W, _CHART_W = 22, 6, 110, 460
_NODE_W, _NODE_H, _COL_GAP, _ROW_GAP = 200, 46, 80, 18


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def bar_chart(title: str, counts: list[tuple[str, int]], chart_id: str) -> str:
    """A horizontal bar chart: one bar per label, its count written at the end of the bar."""
    if not counts:
        return f'<p class="muted" id="{escape(chart_id)}">No models.</p>'
    top = max(n for _, n in counts)
    height = len(counts) * (_BAR_H + _BAR_GAP) + 8
    span = _CHART_W - _LABEL_W - 40
    rows = []
    for i, (label, n) in enumerate(counts):
        y = 4 + i * (_BAR_H + _BAR_GAP)
        w = max(2, round(span * n / top))
        rows.append(
            f'<g class="bar" data-label="{escape(label)}" data-count="{n}">'
            f"<title>{escape(label)}: {n} model(s)</title>"
            f'<text x="{_LABEL_W - 8}" y="{y + _BAR_H - 6}" text-anchor="end">{escape(_fit(label, 16))}</text>'
            f'<rect x="{_LABEL_W}" y="{y}" width="{w}" height="{_BAR_H}" rx="3"/>'
            f'<text class="count" x="{_LABEL_W + w + 6}" y="{y + _BAR_H - 6}">{n}</text></g>')
    return (f'<svg id="{escape(chart_id)}" class="chart" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {_CHART_W} {height}" width="{_CHART_W}" height="{height}">'
            f"<title>{escape(title)}</title>{''.join(rows)}</svg>")


def _node(x: int, y: int, label: str, sub: str, cls: str) -> str:
    shown = label if len(label) <= 26 else label.rsplit("/", 1)[-1]  # the full id is in the tooltip
    return (f'<g class="node {cls}" data-model="{escape(label)}"><title>{escape(label)}</title>'
            f'<rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" rx="6"/>'
            f'<text x="{x + 10}" y="{y + 19}">{escape(_fit(shown, 26))}</text>'
            f'<text class="sub" x="{x + 10}" y="{y + 36}">{escape(_fit(sub, 30))}</text></g>')


def lineage_graph(item: InventoryItem, n: int) -> str:
    """The model on the left, each ancestor one column further right, edges labelled with the relation."""
    prov = item.provenance
    edges = facts.ancestors(prov)
    me = item.model.canonical
    alias = {me, prov.model} if prov and prov.model else {me}
    depth: dict[str, int] = {me: 0}
    for _ in range(len(edges) + 1):  # relax: parents sit one column right of their deepest child
        for e in edges:
            child = me if e.child in alias else e.child
            d = depth.get(child, 0) + 1
            if depth.get(e.model, -1) < d and e.model not in alias:
                depth[e.model] = min(d, 8)
    columns: dict[int, list[str]] = {}
    for name, d in depth.items():
        columns.setdefault(d, []).append(name)
    rows = max(len(v) for v in columns.values())
    width = (max(columns) + 1) * (_NODE_W + _COL_GAP) - _COL_GAP + 8
    height = rows * (_NODE_H + _ROW_GAP) - _ROW_GAP + 8
    pos = {name: (4 + d * (_NODE_W + _COL_GAP), 4 + i * (_NODE_H + _ROW_GAP))
           for d, names in columns.items() for i, name in enumerate(names)}
    roots = {r.model: r for r in prov.roots} if prov else {}
    dev = prov.developer if prov else None
    parts = []
    for e in edges:
        child = me if e.child in alias else e.child
        (x1, y1), (x2, y2) = pos[child], pos[e.model]
        ax, ay, bx, by = x1 + _NODE_W, y1 + _NODE_H // 2, x2, y2 + _NODE_H // 2
        label = e.relation + ("?" if e.inferred else "")
        parts.append(
            f'<g class="edge" data-from="{escape(child)}" data-to="{escape(e.model)}" '
            f'data-relation="{escape(e.relation)}">'
            f'<line x1="{ax}" y1="{ay}" x2="{bx - 4}" y2="{by}" marker-end="url(#arrow-{n})"/>'
            f'<text class="rel" x="{(ax + bx) // 2}" y="{(ay + by) // 2 - 6}" text-anchor="middle">'
            f"{escape(label)}</text></g>")
    for name, (x, y) in pos.items():
        if name == me:
            country = dev.country if dev and dev.country else "?"
            sub = f"{_short(dev.name) if dev else 'developer unknown'} ({country})"
            cls = "self root" if me in roots or (prov and prov.model in roots) else "self"
        else:
            r = roots.get(name)
            rd = r.developer if r else None
            sub = f"root: {_short(rd.name)} ({rd.country or '?'})" if rd else ("root" if r else "ancestor")
            cls = "root" if r else "ancestor"
        parts.append(_node(x, y, facts.display_name(name) if name != me else name, sub, cls))
    marker = (f'<defs><marker id="arrow-{n}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
              'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>')
    return (f'<svg class="lineage" role="img" aria-label="lineage of {escape(me)}" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}">{marker}{"".join(parts)}</svg>')


def _short(name: str) -> str:
    for sep in (" (", " / ", " - ", ", "):
        name = name.split(sep, 1)[0]
    return name
