"""The probe section of an inventory item's card in the HTML report: the runs attached with `--probe`.

Per behaviour run: the run's fingerprint line, the headline rates and indices with their 95% intervals and n
("insufficient n" where the run had too few items), a per-topic chart of non-answer rates with Wilson
intervals (inline SVG), and example answers. Per capability run: pass@1 by subset, and examples. Every value
from the run is HTML-escaped here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from html import escape

from upstream.models import InventoryItem, MeasuredRun, Measurement, ProbeExample

LABELS = {
    "non_answer": "Non-answer on China topics", "refusal": "Refusal", "deflection": "Deflection",
    "narrative": "State-narrative echo", "omission": "Key facts omitted (answered items)",
    "over_refusal": "Over-refusal (safe look-alike controls)", "sci": "Selective censorship (China − controls)",
    "language_gap": "Language gap", "pass_at_1": "pass@1",
}
"""Display names of the measured metrics"""
_RATE_ROWS = ("non_answer", "refusal", "deflection", "narrative", "omission", "over_refusal", "sci")
_ROW_H, _LABEL_W, _PLOT_W, _TEXT_W = 18, 190, 300, 150
_LANG_CLASSES = 4

CSS = """
.probe { border-top:1px solid var(--line); margin-top:10px; padding-top:8px; }
.probe h4 { font-size:14px; margin:6px 0; }
.probe-run { margin:8px 0 14px; }
.probe-fp { color:var(--muted); font-size:12px; margin:2px 0 6px; word-break:break-word; }
.probe table.probe-rates { width:auto; font-size:12.5px; margin:4px 0 8px; }
.probe table.probe-rates td, .probe table.probe-rates th { padding:3px 8px; }
.probe .ci { color:var(--muted); font-size:11.5px; }
.probe .insufficient { color:var(--muted); font-style:italic; }
.probe-chart-box { overflow-x:auto; }
.probe-caption { font-weight:600; font-size:12.5px; margin:6px 0 2px; }
svg.probe-chart text { font-size:11px; fill:var(--fg); }
svg.probe-chart text.topic { font-weight:600; }
svg.probe-chart text.lang, svg.probe-chart text.na { fill:var(--muted); }
svg.probe-chart line.grid { stroke:var(--line); }
svg.probe-chart line.ci { stroke:var(--fg); stroke-width:1.3; }
svg.probe-chart rect.lang-0 { fill:#2f5fd0; } svg.probe-chart rect.lang-1 { fill:#d1495b; }
svg.probe-chart rect.lang-2 { fill:#e28413; } svg.probe-chart rect.lang-3 { fill:#2d8a4e; }
.probe-legend span { display:inline-block; margin-right:12px; font-size:12px; }
.probe-legend i { display:inline-block; width:10px; height:10px; margin-right:4px; border-radius:2px; }
.probe-legend i.lang-0 { background:#2f5fd0; } .probe-legend i.lang-1 { background:#d1495b; }
.probe-legend i.lang-2 { background:#e28413; } .probe-legend i.lang-3 { background:#2d8a4e; }
.probe-examples blockquote { margin:4px 0 10px; padding:4px 10px; border-left:3px solid var(--line);
  background:var(--panel); white-space:pre-wrap; word-break:break-word; font-size:12.5px; }
.probe-examples .label { font-weight:600; }
"""
"""The section's stylesheet (uses the report's colour variables)"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(v: float | None, signed: bool = False) -> str:
    return "-" if v is None else (f"{v:+.2f}" if signed else f"{v:.2f}")


def number(m: Measurement) -> str:
    """`0.95 [0.80, 0.99] n=40`, or `insufficient n (n=3)`: plain text."""
    if m.insufficient or m.value is None:
        return f"insufficient n (n={m.n})"
    signed = m.metric in ("sci", "language_gap")
    interval = f" [{_num(m.low, signed)}, {_num(m.high, signed)}]" if m.low is not None and m.high is not None else ""
    return f"{_num(m.value, signed)}{interval} n={m.n}"


def _cell(m: Measurement | None) -> str:
    if m is None:
        return '<td class="muted">-</td>'
    if m.insufficient or m.value is None:
        return f'<td class="insufficient" data-n="{m.n}">insufficient n (n={m.n})</td>'
    signed = m.metric in ("sci", "language_gap")
    ci = (f' <span class="ci">[{_num(m.low, signed)}, {_num(m.high, signed)}]</span>'
          if m.low is not None and m.high is not None else "")
    return f'<td data-value="{m.value}"><b>{_num(m.value, signed)}</b>{ci} <span class="ci">n={m.n}</span></td>'


def _langs(metrics: Iterable[Measurement]) -> list[str]:
    return list(dict.fromkeys(m.lang for m in metrics if m.metric != "language_gap"))


def fingerprint_line(run: MeasuredRun) -> str:
    """One line of plain text: model (as served), endpoint, suite and its hash, date, source file, match."""
    served = [s for s in run.served_models if s != run.model]
    parts = [f"model {run.model}" + (f" (served as {', '.join(served[:3])})" if served else "")
             + (f" at {run.endpoint}" if run.endpoint else "")]
    suite = f"suite {run.suite}" + (f" {run.suite_version}" if run.suite_version else "")
    if run.suite_hash:
        suite += f" ({run.suite_hash.removeprefix('sha256:')[:12]})"
    parts.append(suite)
    if run.date:
        parts.append(run.date[:10])
    parts.append(f"from {run.source}")
    if run.match:
        parts.append(f"matched by {run.match}")
    if not run.complete:
        parts.append("incomplete run: some requests failed")
    return " · ".join(parts)


def _rates(run: MeasuredRun) -> str:
    overall = [m for m in run.metrics if m.scope == "all"]
    langs = _langs(overall)
    by = {(m.metric, m.lang): m for m in overall}
    head = "".join(f"<th>{_e(lang)}</th>" for lang in langs)
    rows = [f'<tr data-metric="{_e(k)}"><td>{_e(LABELS[k])}</td>' + "".join(_cell(by.get((k, lang))) for lang in langs)
            + "</tr>" for k in _RATE_ROWS if any((k, lang) in by for lang in langs)]
    gaps = [m for m in overall if m.metric == "language_gap"]
    gap_rows = [f'<tr data-metric="language_gap" data-lang="{_e(m.lang)}"><td>{_e(LABELS["language_gap"])} '
                f"({_e(m.lang)})</td>{_cell(m)}{'<td></td>' * (len(langs) - 1)}</tr>" for m in gaps]
    if not rows and not gap_rows:
        return '<p class="muted">The run carries no summary numbers.</p>'
    return (f'<table class="probe-rates"><thead><tr><th>Measure (95% interval, n)</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows + gap_rows)}</tbody></table>")


def topic_chart(run: MeasuredRun, chart_id: str) -> str:
    """Per-topic non-answer rates, one bar per topic and language, with the Wilson interval as a whisker."""
    cells = [m for m in run.metrics if m.metric == "non_answer" and m.scope != "all"]
    if not cells:
        return ""
    langs = _langs(cells)
    topics = sorted(dict.fromkeys(m.scope for m in cells))
    by = {(m.scope, m.lang): m for m in cells}
    rows: list[str] = []
    y = 16
    for topic in topics:
        rows.append(f'<text class="topic" x="4" y="{y + 12}">{_e(_fit(topic, 30))}</text>')
        y += _ROW_H
        for li, lang in enumerate(langs):
            m = by.get((topic, lang))
            if m is None:
                continue
            rows.append(_bar(m, y, li))
            y += _ROW_H
        y += 4
    height = y + 4
    x0 = _LABEL_W
    grid = "".join(f'<line class="grid" x1="{x0 + round(_PLOT_W * t)}" y1="12" x2="{x0 + round(_PLOT_W * t)}" '
                   f'y2="{height - 4}"/><text class="lang" x="{x0 + round(_PLOT_W * t)}" y="10" '
                   f'text-anchor="middle">{t:g}</text>' for t in (0, 0.25, 0.5, 0.75, 1))
    width = _LABEL_W + _PLOT_W + _TEXT_W
    title = "Non-answer rate per China topic and language, with 95% Wilson intervals"
    legend = "".join(f'<span><i class="lang-{i % _LANG_CLASSES}"></i>{_e(lang)}</span>' for i, lang in enumerate(langs))
    return (f'<div class="probe-chart-box"><div class="probe-caption">{_e(title)}</div>'
            f'<svg id="{_e(chart_id)}" class="probe-chart" role="img" '
            f'aria-label="{_e(title)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f"<title>{_e(title)}</title>{grid}{''.join(rows)}</svg>"
            f'<div class="probe-legend">{legend}</div></div>')


def _bar(m: Measurement, y: int, li: int) -> str:
    x0 = _LABEL_W
    label = f'<text class="lang" x="{x0 - 8}" y="{y + 12}" text-anchor="end">{_e(_fit(m.lang, 12))}</text>'
    attrs = f'class="probe-bar" data-topic="{_e(m.scope)}" data-lang="{_e(m.lang)}" data-n="{m.n}"'
    if m.insufficient or m.value is None:
        return (f"<g {attrs} data-insufficient=\"true\"><title>{_e(m.scope)}, {_e(m.lang)}: insufficient n "
                f'(n={m.n})</title>{label}<text class="na" x="{x0 + 4}" y="{y + 12}">insufficient n (n={m.n})'
                "</text></g>")
    w = max(1, round(_PLOT_W * min(1.0, max(0.0, m.value))))
    whisker = ""
    if m.low is not None and m.high is not None:
        lo, hi, mid = x0 + round(_PLOT_W * m.low), x0 + round(_PLOT_W * m.high), y + 7
        whisker = (f'<line class="ci" x1="{lo}" y1="{mid}" x2="{hi}" y2="{mid}"/>'
                   f'<line class="ci" x1="{lo}" y1="{mid - 4}" x2="{lo}" y2="{mid + 4}"/>'
                   f'<line class="ci" x1="{hi}" y1="{mid - 4}" x2="{hi}" y2="{mid + 4}"/>')
    text = f"{m.value:.2f}" + (f" [{m.low:.2f}, {m.high:.2f}]" if m.low is not None and m.high is not None else "")
    return (f'<g {attrs} data-value="{m.value}"><title>{_e(m.scope)}, {_e(m.lang)}: non-answer {_e(number(m))}'
            f'</title>{label}<rect class="lang-{li % _LANG_CLASSES}" x="{x0}" y="{y + 2}" width="{w}" height="10" '
            f'rx="2" opacity="0.8"/>{whisker}<text x="{x0 + _PLOT_W + 8}" y="{y + 12}">{_e(text)} n={m.n}</text></g>')


def _examples(examples: list[ProbeExample]) -> str:
    if not examples:
        return ""
    items = []
    for x in examples:
        head = (f'<span class="label">{_e(x.label or "?")}</span> · {_e(x.role)} · {_e(x.topic)} · '
                f"<code>{_e(x.item)}</code> · {_e(x.lang)}")
        note = f' <span class="muted">({_e(x.note)})</span>' if x.note else ""
        prompt = f"<div><b>Prompt:</b> {_e(x.prompt)}</div>" if x.prompt else ""
        items.append(f"<li>{head}{note}{prompt}<blockquote>{_e(x.answer) or '<i>(empty)</i>'}</blockquote></li>")
    return (f'<details class="probe-examples"><summary>{len(examples)} example answer(s)</summary>'
            f"<ul>{''.join(items)}</ul></details>")


def _capability(run: MeasuredRun) -> str:
    rows = "".join(f'<tr data-metric="{_e(m.metric)}" data-scope="{_e(m.scope)}">'
                   f"<td>{_e(LABELS.get(m.metric, m.metric))} ({_e(m.scope)})</td>{_cell(m)}</tr>"
                   for m in run.metrics)
    table = (f'<table class="probe-rates"><thead><tr><th>Measure (95% interval, n)</th><th>value</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>" if rows else '<p class="muted">The run carries no numbers.</p>')
    return table + _examples(run.examples)


def _run(run: MeasuredRun, chart_id: str) -> str:
    kind = "Behaviour probe" if run.kind == "behaviour" else "Capability probe"
    body = (_rates(run) + topic_chart(run, chart_id) + _examples(run.examples) if run.kind == "behaviour"
            else _capability(run))
    return (f'<div class="probe-run" data-kind="{_e(run.kind)}" data-source="{_e(run.source)}">'
            f"<h4>{kind}: {_e(run.suite)}</h4><p class=\"probe-fp\">{_e(fingerprint_line(run))}</p>{body}</div>")


def section(item: InventoryItem) -> str:
    """The card section for the runs attached to `item`; empty when none is."""
    if not item.measurements:
        return ""
    key = hashlib.sha256(item.id.encode("utf-8")).hexdigest()[:12]
    runs = "".join(_run(run, f"probe-{key}-{n}") for n, run in enumerate(item.measurements))
    return f'<div class="probe" data-runs="{len(item.measurements)}">{runs}</div>'
