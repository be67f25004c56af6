"""The risk/capability chart as PNG: matplotlib (optional, `pip install 'upstream[charts]'`) used as a plain
rasteriser of the same layout the SVG draws (weigh/chart.py), in the same pixel coordinates."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from upstream.errors import UsageError
from upstream.models import WeighOutcome
from upstream.weigh.chart import (
    ACCENT,
    BG,
    FAIL,
    FG,
    GRID,
    IN_USE,
    LINE,
    MUTED,
    OFF,
    OWN,
    SWATCH,
    diamond,
    layout,
    marker_style,
    xml_safe,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_PX_PT = 0.72
"""One SVG pixel in points, for a PNG drawn at 100 pixels per inch"""


def render_png(outcome: WeighOutcome, width: int, height: int) -> bytes:
    """The chart as PNG bytes (twice the SVG's pixel size); UsageError when matplotlib is missing."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Circle, Polygon
    except ImportError as exc:
        raise UsageError("writing the chart as PNG needs matplotlib, which is not installed",
                         hint="pip install 'upstream[charts]', or write the chart as .svg") from exc
    lay = layout(outcome, width, height)
    fig = Figure(figsize=(lay.width / 100, lay.height / 100), dpi=200)
    FigureCanvasAgg(fig)
    ax: Axes = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.set_axis_off()

    def text(x: float, y: float, s: str, size: float = 12, color: str = FG, anchor: str = "start",
             weight: str = "normal", rotation: float = 0) -> None:
        ha = {"start": "left", "end": "right", "middle": "center"}[anchor]
        ax.text(x, y, xml_safe(s), fontsize=size * _PX_PT, color=color, ha=ha, va="baseline",
                fontweight=weight, rotation=rotation, rotation_mode="anchor", parse_math=False, clip_on=False)

    def line(xs: list[float], ys: list[float], color: str, lw: float, z: float = 1, dashed: bool = False) -> None:
        ax.add_line(Line2D(xs, ys, color=color, linewidth=lw * _PX_PT, zorder=z, solid_capstyle="round",
                           linestyle=(0, (3, 2)) if dashed else "-"))

    def step(pts: list[tuple[float, float]], axis: bool, end: float | None = None) -> None:
        xs, ys = [pts[0][0]], [pts[0][1]]
        for x, y in pts[1:]:
            xs += [x, x]
            ys += [ys[-1], y]
        if end is not None:
            xs.append(end)
            ys.append(ys[-1])
        line(xs, ys, ACCENT if axis else OWN, 2, 2, dashed=not axis)

    def marker(kind: str, x: float, y: float, r: float, fill: str, stroke: str, sw: float, z: float) -> None:
        patch = (Polygon(diamond(x, y, r), closed=True) if kind == "diamond" else Circle((x, y), r))
        patch.set(facecolor=fill, edgecolor=stroke, linewidth=sw * _PX_PT, zorder=z)
        ax.add_patch(patch)

    def ring(x: float, y: float, r: float, z: float) -> None:
        marker("circle", x, y, r + 4.5, "none", IN_USE, 2.5, z)

    def cross(x: float, y: float, r: float, z: float) -> None:
        d = r + 1.5
        line([x - d, x + d], [y - d, y + d], FAIL, 2.2, z)
        line([x - d, x + d], [y + d, y - d], FAIL, 2.2, z)

    text(lay.left, 24, lay.title, 15, weight="bold")
    for y, t in lay.y_ticks:
        line([lay.left, lay.right], [y, y], GRID, 1, 0)
        text(lay.left - 8, y + 4, t, color=MUTED, anchor="end")
    for x, t in lay.x_ticks:
        line([x, x], [lay.top, lay.bottom], GRID, 1, 0)
        text(x, lay.bottom + 17, t, color=MUTED, anchor="middle")
    line([lay.left, lay.right, lay.right, lay.left, lay.left], [lay.top, lay.top, lay.bottom, lay.bottom, lay.top],
         LINE, 1, 0.5)
    text((lay.left + lay.right) / 2, lay.bottom + 36, lay.x_name, anchor="middle")
    text(18, (lay.top + lay.bottom) / 2, lay.y_name, anchor="middle", rotation=90)
    for axis, pts in lay.steps:
        if len(pts) > 1:
            step(pts, axis)
    for n, m in enumerate(lay.marks):
        z = 3 + n * 0.01
        if m.point.in_use:
            ring(m.x, m.y, m.r, z)
        fill, stroke, sw = marker_style(m.point)
        marker("diamond" if m.point.measured else "circle", m.x, m.y, m.r, fill, stroke, sw, z)
        if m.point.passes_policy is False:
            cross(m.x, m.y, m.r, z + 0.001)
    for lb in lay.labels:
        text(lb.x, lb.y, lb.text, 12 if lb.strong else 11, FG if lb.strong else MUTED, lb.anchor,
             "bold" if lb.strong else "normal")
    if lay.empty:
        text((lay.left + lay.right) / 2, (lay.top + lay.bottom) / 2, lay.empty, color=MUTED, anchor="middle")

    def swatch(kind: str, cx: float, cy: float) -> None:
        if kind == "frontier":
            step([(cx - 9, cy + 4), (cx, cy - 4)], True, cx + 9)
        elif kind == "own-frontier":
            step([(cx - 9, cy)], False, cx + 9)
        elif kind == "measured":
            marker("diamond", cx, cy, 5, OWN, BG, 1, 5)
        elif kind == "in-use":
            ring(cx, cy, 1.5, 5)
            marker("circle", cx, cy, 1.5, ACCENT, ACCENT, 1, 5)
        elif kind == "fails":
            marker("circle", cx, cy, 5, OFF, BG, 1, 5)
            cross(cx, cy, 5, 5.1)
        else:
            fill, stroke, sw = SWATCH[kind]
            marker("circle", cx, cy, 5, fill, stroke, sw, 5)

    for e in lay.legend:
        swatch(e.kind, e.x + 9, e.y - 4)
        text(e.x + 24, e.y, e.text, 11.5)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor=BG, metadata={"Software": None})
    return buf.getvalue()
