"""The risk/capability chart: provenance risk (x) against the outcome's benchmark (y), the Pareto frontier as a step.

`frontier_svg` draws a self-contained, accessible SVG (no script, every text escaped, the same bytes for the same
outcome): a point per model with a tooltip, the frontier joined by a step line, the team's models ringed and
labelled, points that fail the policy crossed, measured points as diamonds, vendor-reported scores hollow,
axes with ticks, and a legend. Measured capability-probe runs (benchmark "capability-probe:SUITE", pass@1 in %)
are diamonds with a dashed frontier of their own. `write_chart` writes .svg, or .png through matplotlib
(optional dependency, `pip install 'upstream[charts]'`; weigh/_chart_png.py), which draws the same layout.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Literal

from upstream.errors import UsageError
from upstream.models import FrontierPoint, WeighOutcome
from upstream.report.weigh_text import benchmark_label, score_text
from upstream.weigh.benchmarks import benchmark_unit

BG, FG, MUTED, GRID, LINE = "#ffffff", "#1d2430", "#5b6575", "#eceff4", "#d8dde6"
ACCENT, OFF, FAIL, IN_USE, OWN = "#2f5fd0", "#8e99ab", "#d1495b", "#e28413", "#2d8a4e"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ROW = 18

Anchor = Literal["start", "end"]


def xml_safe(value: object) -> str:
    """The text without the characters XML 1.0 cannot hold (NUL, most control characters, lone surrogates)."""
    return _NOT_XML.sub("", str(value))


def _x(value: object) -> str:
    """Text for XML content or an attribute: characters XML cannot hold dropped, markup escaped."""
    return escape(xml_safe(value), quote=True)


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _f(v: float) -> str:
    return f"{v:.1f}"


def _text_width(text: str, size: float) -> float:
    return len(text) * size * 0.62


@dataclass(frozen=True)
class _Label:
    x: float
    y: float
    anchor: Anchor
    text: str
    strong: bool


@dataclass(frozen=True)
class _Mark:
    point: FrontierPoint
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class _Legend:
    kind: str
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    title: str
    y_name: str
    x_name: str
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    marks: list[_Mark]
    steps: list[tuple[bool, list[tuple[float, float]]]]
    """Per benchmark on the chart: (is the axis benchmark, the frontier's points left to right)"""
    labels: list[_Label]
    legend: list[_Legend]
    empty: str | None


def _ticks(lo: float, hi: float, count: int = 5) -> tuple[float, float, float]:
    """Round axis bounds and a step of 1, 2, 2.5 or 5 times a power of ten."""
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * 0.999)
    return math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step


def _legend(points: list[FrontierPoint], axis: str, x0: float, x1: float, y0: float) -> list[_Legend]:
    entries = [("frontier", "frontier: best score for the risk"), ("on", "on the frontier"),
               ("off", "not on the frontier")]
    if any(p.measured for p in points):
        entries.append(("measured", "measured by your capability probe (pass@1 %)"))
    own = [p.benchmark for p in points if p.on_frontier and p.benchmark != axis]
    if any(own.count(b) > 1 for b in own):
        entries.append(("own-frontier", "frontier of your measured runs"))
    if any(p.independent and not p.measured for p in points):
        entries.append(("filled", "filled: independent result"))
    if any(not p.independent and not p.measured for p in points):
        entries.append(("hollow", "hollow: vendor-reported"))
    if any(p.in_use for p in points):
        entries.append(("in-use", "in use by your team"))
    if any(p.passes_policy is False for p in points):
        entries.append(("fails", "fails your policy"))
    out, x, y = [], x0, y0
    for kind, label in entries:
        w = 26 + _text_width(label, 11.5) + 18
        if x + w > x1 and x > x0:
            x, y = x0, y + _ROW
        out.append(_Legend(kind, label, x, y))
        x += w
    return out


def _hits(box: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> int:
    """How many of `boxes` the box overlaps."""
    a0, b0, a1, b1 = box
    return sum(1 for c0, d0, c1, d1 in boxes if a0 < c1 and c0 < a1 and b0 < d1 and d0 < b1)


def _place_labels(marks: list[_Mark], steps: list[tuple[bool, list[tuple[float, float]]]],
                  bounds: tuple[float, float, float, float]) -> list[_Label]:
    """In-use models always get a label, frontier models one where it fits; none covers a point, the frontier line
    or another label."""
    left, top, right, bottom = bounds
    taken = [(m.x - m.r - (4.5 if m.point.in_use else 0), m.y - m.r - (4.5 if m.point.in_use else 0),
              m.x + m.r + (4.5 if m.point.in_use else 0), m.y + m.r + (4.5 if m.point.in_use else 0)) for m in marks]
    for (x0, y0), (x1, y1) in (pair for _, step in steps for pair in itertools.pairwise(step)):
        taken += [(x0, y0 - 2, x1, y0 + 2), (x1 - 2, min(y0, y1), x1 + 2, max(y0, y1))]
    order = sorted((m for m in marks if m.point.in_use or m.point.on_frontier),
                   key=lambda m: (not m.point.in_use, m.point.risk, -m.point.capability, m.point.name))
    labels = []
    for m in order:
        strong = m.point.in_use
        size = 12.0 if strong else 11.0
        gap = m.r + (9.5 if strong else 4)
        offsets: list[tuple[float, float, Anchor]] = [
            (gap, 4, "start"), (-gap, 4, "end"), (gap - 3, -gap + 1, "start"), (gap - 3, gap + 9, "start"),
            (-gap + 3, -gap + 1, "end"), (-gap + 3, gap + 9, "end")]
        name = m.point.name.split(" @ ", 1)[0] if m.point.measured else m.point.name
        text = _fit(name, 30 if strong else 24) + (" · measured" if m.point.measured else "")
        w = _text_width(text, size)
        best: tuple[int, int, _Label, tuple[float, float, float, float]] | None = None
        for n, (dx, dy, anchor) in enumerate(offsets):
            x0 = m.x + dx if anchor == "start" else m.x + dx - w
            box = (x0, m.y + dy - size, x0 + w, m.y + dy + 3)
            if box[0] < left or box[2] > right or box[1] < top or box[3] > bottom:
                continue
            hits = _hits(box, taken)
            if best is None or hits < best[0]:
                best = (hits, n, _Label(m.x + dx, m.y + dy, anchor, text, strong), box)
        # a frontier model is labelled only where nothing is covered; the team's own model always is
        if best is not None and (best[0] == 0 or strong):
            labels.append(best[2])
            taken.append(best[3])
        elif strong:
            anchor = "start" if m.x + gap + w <= right else "end"
            labels.append(_Label(m.x + (gap if anchor == "start" else -gap), m.y + 4, anchor, text, strong))
    return labels


def layout(outcome: WeighOutcome, width: int, height: int) -> _Layout:
    width, height = max(int(width), 320), max(int(height), 240)
    points = _drawn(outcome)
    left, right, top = 66.0, width - 22.0, 44.0
    legend = _legend(points, outcome.benchmark, left, right, 0.0)
    rows = 1 + (round(max(e.y for e in legend)) // _ROW if legend else 0)
    bottom = height - (60.0 + rows * _ROW)
    legend = [_Legend(e.kind, e.text, e.x, e.y + bottom + 56) for e in legend]
    caps = [p.capability for p in points] or [0.0, 100.0]
    lo, hi, tick = _ticks(min(caps), max(caps))
    n = round((hi - lo) / tick)
    y_ticks = [(round(lo + i * tick, 9), f"{round(lo + i * tick, 9):g}") for i in range(n + 1)]
    x_ticks = [(i / 5, f"{i / 5:.1f}") for i in range(6)]

    def sx(v: float) -> float:
        return left + max(0.0, min(1.0, v)) * (right - left)

    def sy(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    order = sorted(points, key=lambda p: (p.in_use, p.on_frontier, p.risk, -p.capability, p.name, p.family))
    marks = [_Mark(p, sx(p.risk), sy(p.capability), 6.5 if p.in_use else 5.0) for p in order]
    steps = []
    for key in sorted({p.benchmark for p in points}, key=lambda k: (k != outcome.benchmark, k)):
        on = sorted((m for m in marks if m.point.on_frontier and m.point.benchmark == key),
                    key=lambda m: (m.point.risk, m.point.capability))
        steps.append((key == outcome.benchmark, [(m.x, m.y) for m in on]))
    bench = benchmark_label(outcome.benchmark)
    own = " · your pass@1 (%)" if any(p.benchmark != outcome.benchmark for p in points) else ""
    return _Layout(
        width=width, height=height, left=left, right=right, top=top, bottom=bottom,
        title=_fit(f"Provenance risk against {bench} ({outcome.task})", max(20, int((width - 40) / 8))),
        y_name=_fit(f"{bench} score{own} → better", 70), x_name="provenance risk → (0 no concern, 1 highest concern)",
        x_ticks=[(sx(v), t) for v, t in x_ticks], y_ticks=[(sy(v), t) for v, t in y_ticks], marks=marks,
        steps=steps, labels=_place_labels(marks, steps, (left + 2, top + 2, width - 4.0, bottom - 2)),
        legend=legend, empty=None if points else f"No model has a {bench} score for this task.")


def _drawn(outcome: WeighOutcome) -> list[FrontierPoint]:
    """The points the chart can place: finite numbers; on a rating axis (Codeforces) only that benchmark's points,
    since a measured pass@1 in percent is not on its scale."""
    points = [p for p in outcome.frontier if math.isfinite(p.risk) and math.isfinite(p.capability)]
    if benchmark_unit(outcome.benchmark) == "rating":
        points = [p for p in points if p.benchmark == outcome.benchmark]
    return points


def _tooltip(p: FrontierPoint, axis: str) -> str:
    source = ("measured by your capability probe" if p.measured
              else "independent" if p.independent else "vendor-reported")
    own = " (its own frontier: not comparable with the axis benchmark)" if p.benchmark != axis else ""
    policy = {True: "passes your policy", False: "fails your policy", None: "no policy applied"}[p.passes_policy]
    lines = [p.name + (f" (family {p.family})" if p.family and p.family != p.name else ""),
             f"developer: {p.developer or 'unknown'} ({p.country or 'country unknown'})",
             f"risk {p.risk:.2f} · {benchmark_label(p.benchmark)} {score_text(p.capability)} ({source}){own}",
             ", ".join(x for x in ("on the frontier" if p.on_frontier else "not on the frontier",
                                   "in use by your team" if p.in_use else "", policy) if x)]
    return "\n".join(lines)


def marker_style(p: FrontierPoint) -> tuple[str, str, float]:
    """(fill, stroke, stroke width) of a point: blue on the frontier (green on a measured frontier), grey off it;
    hollow when vendor-reported."""
    color = (OWN if p.measured else ACCENT) if p.on_frontier else OFF
    if p.measured or p.independent:
        return color, BG, 1.0
    return BG, color, 2.0


def diamond(x: float, y: float, r: float) -> list[tuple[float, float]]:
    r *= 1.25
    return [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]


def _svg_marker(kind: str, x: float, y: float, r: float, fill: str, stroke: str, sw: float) -> str:
    if kind == "diamond":
        pts = " ".join(f"{_f(a)},{_f(b)}" for a, b in diamond(x, y, r))
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}" stroke-width="{sw:g}"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{r:g}" fill="{fill}" stroke="{stroke}" stroke-width="{sw:g}"/>'


def _svg_cross(x: float, y: float, r: float) -> str:
    d = r + 1.5
    return (f'<path class="fails" d="M{_f(x - d)},{_f(y - d)}L{_f(x + d)},{_f(y + d)}M{_f(x - d)},{_f(y + d)}'
            f'L{_f(x + d)},{_f(y - d)}" stroke="{FAIL}" stroke-width="2.2" stroke-linecap="round"/>')


def _svg_ring(x: float, y: float, r: float) -> str:
    return (f'<circle class="in-use-ring" cx="{_f(x)}" cy="{_f(y)}" r="{r + 4.5:g}" fill="none" '
            f'stroke="{IN_USE}" stroke-width="2.5"/>')


def _svg_point(m: _Mark, axis: str) -> str:
    p = m.point
    fill, stroke, sw = marker_style(p)
    classes = " ".join(c for c in ("point", "frontier" if p.on_frontier else "dominated", "in-use" if p.in_use else "",
                                   "fails-policy" if p.passes_policy is False else "",
                                   "measured" if p.measured else "") if c)
    policy = {True: "pass", False: "fail", None: "none"}[p.passes_policy]
    parts = [f'<g class="{classes}" data-name="{_x(p.name)}" data-family="{_x(p.family)}" '
             f'data-risk="{p.risk:.3f}" data-capability="{p.capability:g}" data-policy="{policy}">',
             f"<title>{_x(_tooltip(p, axis))}</title>"]
    if p.in_use:
        parts.append(_svg_ring(m.x, m.y, m.r))
    parts.append(_svg_marker("diamond" if p.measured else "circle", m.x, m.y, m.r, fill, stroke, sw))
    if p.passes_policy is False:
        parts.append(_svg_cross(m.x, m.y, m.r))
    return "".join(parts) + "</g>"


SWATCH = {"on": (ACCENT, BG, 1.0), "off": (OFF, BG, 1.0), "filled": (MUTED, BG, 1.0), "hollow": (BG, MUTED, 2.0)}


def _svg_step(pts: list[tuple[float, float]], axis: bool, end: float | None = None) -> str:
    """A frontier as a step line (`end`: a legend swatch, drawn on to that x)."""
    (x0, y0), rest = pts[0], pts[1:]
    d = f"M{_f(x0)},{_f(y0)}" + "".join(f"H{_f(x)}V{_f(y)}" for x, y in rest) + (f"H{_f(end)}" if end else "")
    style = f'stroke="{ACCENT}"' if axis else f'stroke="{OWN}" stroke-dasharray="6 4"'
    cls = "swatch" if end is not None else "frontier-line" if axis else "own-frontier-line"
    return (f'<path class="{cls}" d="{d}" fill="none" {style} '
            'stroke-width="2" stroke-linejoin="round"/>')


def _svg_swatch(kind: str, x: float, y: float) -> str:
    cx, cy = x + 9, y - 4
    if kind == "frontier":
        return _svg_step([(x, cy + 4), (x + 9, cy - 4)], True, x + 18)
    if kind == "own-frontier":
        return _svg_step([(x, cy)], False, x + 18)
    if kind == "measured":
        return _svg_marker("diamond", cx, cy, 5, OWN, BG, 1)
    if kind == "in-use":
        return _svg_ring(cx, cy, 1.5) + _svg_marker("circle", cx, cy, 1.5, ACCENT, ACCENT, 1)
    if kind == "fails":
        return _svg_marker("circle", cx, cy, 5, OFF, BG, 1) + _svg_cross(cx, cy, 5)
    fill, stroke, sw = SWATCH[kind]
    return _svg_marker("circle", cx, cy, 5, fill, stroke, sw)


def _description(outcome: WeighOutcome) -> str:
    pts = outcome.frontier
    on = sorted((p for p in pts if p.on_frontier), key=lambda p: (p.risk, p.name))
    used = sorted((p for p in pts if p.in_use), key=lambda p: (p.risk, p.name))
    bench = benchmark_label(outcome.benchmark)
    text = (f"Each point is a model: provenance risk from 0 to 1 across, {bench} score up. {len(pts)} model(s); "
            f"{len(on)} on the frontier (the best score for their risk): "
            + ", ".join(f"{p.name} (risk {p.risk:.2f}, {score_text(p.capability)})" for p in on) + ".")
    if used:
        text += " In use by your team: " + "; ".join(
            f"{p.name} (risk {p.risk:.2f}, {score_text(p.capability)}"
            + (", fails your policy" if p.passes_policy is False else "") + ")" for p in used) + "."
    return text


def frontier_svg(outcome: WeighOutcome, width: int = 760, height: int = 480, chart_id: str = "frontier") -> str:
    """The chart as one `<svg>` element (inline in HTML, or a file with an XML declaration in front)."""
    lay = layout(outcome, width, height)
    cid = _x(chart_id)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" class="frontier" role="img" '
           f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {lay.width} {lay.height}" width="{lay.width}" '
           f'height="{lay.height}" font-family="{_x(FONT)}" font-size="12">',
           f'<title id="{cid}-title">{_x(lay.title)}</title><desc id="{cid}-desc">{_x(_description(outcome))}</desc>',
           f'<rect width="{lay.width}" height="{lay.height}" fill="{BG}"/>',
           f'<text x="{_f(lay.left)}" y="24" font-size="15" font-weight="600" fill="{FG}">{_x(lay.title)}</text>']
    grid = []
    for y, t in lay.y_ticks:
        grid.append(f'<line x1="{_f(lay.left)}" y1="{_f(y)}" x2="{_f(lay.right)}" y2="{_f(y)}" stroke="{GRID}"/>'
                    f'<text x="{_f(lay.left - 8)}" y="{_f(y + 4)}" text-anchor="end" fill="{MUTED}">{_x(t)}</text>')
    for x, t in lay.x_ticks:
        grid.append(f'<line x1="{_f(x)}" y1="{_f(lay.top)}" x2="{_f(x)}" y2="{_f(lay.bottom)}" stroke="{GRID}"/>'
                    f'<text x="{_f(x)}" y="{_f(lay.bottom + 17)}" text-anchor="middle" fill="{MUTED}">{_x(t)}</text>')
    out.append(f'<g class="axes">{"".join(grid)}<rect x="{_f(lay.left)}" y="{_f(lay.top)}" '
               f'width="{_f(lay.right - lay.left)}" height="{_f(lay.bottom - lay.top)}" fill="none" stroke="{LINE}"/>'
               f'<text class="x-name" x="{_f((lay.left + lay.right) / 2)}" y="{_f(lay.bottom + 36)}" '
               f'text-anchor="middle" fill="{FG}">{_x(lay.x_name)}</text>'
               f'<text class="y-name" transform="translate(18 {_f((lay.top + lay.bottom) / 2)}) rotate(-90)" '
               f'text-anchor="middle" fill="{FG}">{_x(lay.y_name)}</text></g>')
    out += [_svg_step(pts, axis) for axis, pts in lay.steps if len(pts) > 1]
    out.append('<g class="points">' + "".join(_svg_point(m, outcome.benchmark) for m in lay.marks) + "</g>")
    out.append('<g class="labels">' + "".join(
        f'<text x="{_f(lb.x)}" y="{_f(lb.y)}" text-anchor="{lb.anchor}" fill="{FG if lb.strong else MUTED}" '
        f'font-size="{12 if lb.strong else 11}"{" font-weight=" + chr(34) + "600" + chr(34) if lb.strong else ""} '
        f'stroke="{BG}" stroke-width="3" paint-order="stroke">{_x(lb.text)}</text>' for lb in lay.labels) + "</g>")
    if lay.empty:
        out.append(f'<text x="{_f((lay.left + lay.right) / 2)}" y="{_f((lay.top + lay.bottom) / 2)}" '
                   f'text-anchor="middle" fill="{MUTED}">{_x(lay.empty)}</text>')
    out.append('<g class="legend">' + "".join(
        f'<g class="key" data-key="{e.kind}">{_svg_swatch(e.kind, e.x, e.y)}<text x="{_f(e.x + 24)}" '
        f'y="{_f(e.y)}" font-size="11.5" fill="{FG}">{_x(e.text)}</text></g>' for e in lay.legend) + "</g>")
    return "".join(out) + "</svg>"


def write_chart(outcome: WeighOutcome, path: str | os.PathLike[str], width: int = 760, height: int = 480) -> None:
    """Write the chart to `path`: .svg (always available) or .png (needs matplotlib)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".svg":
        data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + frontier_svg(outcome, width, height) + "\n").encode()
    elif suffix == ".png":
        from upstream.weigh._chart_png import render_png

        data = render_png(outcome, width, height)
    else:
        raise UsageError(f"{path}: a chart is written as .svg or .png, not "
                         + (f"'{suffix}'" if suffix else "a file without a suffix"),
                         hint="name the chart file e.g. frontier.svg or frontier.png")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write the chart to {path}: {exc.strerror or exc}") from exc
