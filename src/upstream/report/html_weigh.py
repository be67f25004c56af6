"""The weigh section of the HTML report: the risk/capability chart, and per model its risk factor by factor,
its capability (cited benchmarks and the team's own runs) and the alternatives the policy allows.

`section(report)` returns the `<section id="weigh">` (empty when the report was not weighed) and `CSS` its
styles, on top of the report's own stylesheet (report/html_assets.py). Every value is escaped here; sources
link only to http(s) addresses.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from upstream.models import Alternative, Assessment, BenchmarkScore, Report, RiskFactor, SourceRef, WeighOutcome
from upstream.report.weigh_text import (
    benchmark_label,
    capability_runs,
    context_text,
    delta_text,
    factor_value,
    policy_text,
    risk_range,
    run_label,
    scope_label,
    score_text,
    signed,
    source_kind,
)
from upstream.weigh.chart import frontier_svg

CSS = """
#weigh .weigh-intro { color:var(--muted); max-width:980px; }
#weigh .weigh-context { display:grid; grid-template-columns:150px 1fr; gap:4px 12px; margin:8px 0; }
#weigh .weigh-context dt { color:var(--muted); font-size:12.5px; }
#weigh .weigh-context dd { margin:0; }
#weigh figure.frontier-figure { margin:14px 0; overflow-x:auto; }
#weigh figure.frontier-figure figcaption { font-weight:600; margin-bottom:6px; }
#weigh svg.frontier { max-width:100%; height:auto; display:block; border:1px solid var(--line); border-radius:8px; }
.weigh-cards { display:grid; grid-template-columns:minmax(0, 1fr); gap:16px; max-width:1200px; }
.weigh-card h4 { font-size:13.5px; margin:14px 0 4px; }
.weigh-card .weigh-risk { font-size:15px; margin:4px 0 8px; }
.weigh-card .weigh-summary { margin:6px 0 10px; padding:6px 10px; border-left:3px solid var(--accent);
  background:var(--panel); }
.weigh-card table { font-size:13px; }
.weigh-card td.value { white-space:nowrap; }
.weigh-card td.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
.vbar { display:inline-block; width:70px; height:9px; margin-right:6px; border-radius:5px; background:var(--line);
  vertical-align:middle; overflow:hidden; }
.vbar > span { display:block; height:100%; background:var(--medium); }
.vbar.v-low > span { background:var(--ok); } .vbar.v-high > span { background:var(--high); }
.badge.lvl-low { background:var(--ok); } .badge.lvl-moderate { background:var(--low); }
.badge.lvl-elevated { background:var(--medium); } .badge.lvl-high { background:var(--high); }
.badge.not-applicable { background:var(--info); } .badge.independent { background:var(--accent); }
.badge.vendor { background:var(--info); } .badge.measured { background:var(--ok); }
.delta-up { color:var(--ok); font-weight:600; } .delta-down { color:var(--high); font-weight:600; }
tr.alt-summary td { color:var(--muted); border-bottom-width:2px; }
@media print { .weigh-cards { display:block; } .weigh-card { break-inside:avoid; margin-bottom:12px; } }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _link(url: str | None, text: str) -> str:
    """A link for http(s) URLs only; anything else is shown as text."""
    if not url or urlsplit(url).scheme not in ("http", "https"):
        return _e(text)
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(text)}</a>'


def _badge(text: str, cls: str) -> str:
    return f'<span class="badge {_e(cls)}">{_e(text)}</span>'


def _sources(sources: list[SourceRef]) -> str:
    return ", ".join(_link(s.url, s.title) + (f" <span class='muted'>({_e(s.date)})</span>" if s.date else "")
                     for s in sources) or '<span class="muted">-</span>'


def _value(f: RiskFactor) -> str:
    shown = factor_value(f)
    if f.value is None or shown in ("unknown", "not applicable"):
        return _badge(shown, "unknown" if shown == "unknown" else "not-applicable")
    v = max(0.0, min(1.0, f.value))
    tone = "v-low" if v < 0.34 else "v-high" if v >= 0.67 else "v-mid"
    return (f'<span class="vbar {tone}" role="img" aria-label="{v:.0%} of the highest concern">'
            f'<span style="width:{v * 100:.0f}%"></span></span>{_e(shown)}')


def _factors(a: Assessment) -> str:
    rows = []
    for f in a.risk.factors:
        details = ("<details><summary>details</summary><ul>" + "".join(f"<li>{_e(d)}</li>" for d in f.details)
                   + "</ul></details>") if f.details else ""
        rows.append(f'<tr data-factor="{_e(f.id)}" data-status="{_e(f.status)}"><td>{_e(f.name)}</td>'
                    f"<td class='value'>{_value(f)}</td><td class='num'>{f.weight:g}</td>"
                    f"<td>{_e(f.reason)}{details}</td>"
                    f"<td>{_sources(f.sources)}</td></tr>")
    return ('<table class="factors"><thead><tr><th>Factor</th><th>Value (0–1)</th><th>Weight</th><th>Reason</th>'
            f"<th>Sources</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _bench_row(b: BenchmarkScore) -> str:
    kind = source_kind(b.independent)
    note = f" <span class='muted'>({_e(b.note)})</span>" if b.note else ""
    return (f'<tr data-benchmark="{_e(b.benchmark)}"><td>{_e(b.name)}{note}</td><td class="num">'
            f"{_e(score_text(b.score))}</td><td>{_badge(kind, 'independent' if b.independent else 'vendor')}</td>"
            f"<td>{_e(b.date)}</td><td>{_e(b.model)}</td><td>{_sources(b.sources)}</td></tr>")


def _capability(a: Assessment) -> str:
    cap = a.capability
    out = f"<h4>Capability ({_e(cap.task)})</h4>"
    if cap.benchmarks:
        out += ('<table class="capability"><thead><tr><th>Benchmark</th><th>Score</th><th>Source</th><th>Date</th>'
                "<th>Model as named</th><th>Cited</th></tr></thead><tbody>"
                + "".join(_bench_row(b) for b in cap.benchmarks) + "</tbody></table>")
    else:
        out += '<p class="muted">No cited benchmark for this task in the knowledge base.</p>'
    runs = capability_runs(cap.measured)
    if runs:
        rows = []
        for run, m in runs:
            interval = f"{m.low:.2f}–{m.high:.2f}" if m.low is not None and m.high is not None else "-"
            value = f"{m.value:.2f}" if m.value is not None else _badge("insufficient", "unknown")
            rows.append(f"<tr><td>{_e(run_label(run))}<br><span class='muted'>{_e(run.source)}</span></td>"
                        f"<td>{_e(scope_label(m))}</td><td class='num'>{value}</td><td class='num'>{interval}</td>"
                        f"<td class='num'>{m.n}</td></tr>")
        out += ('<table class="measured"><thead><tr><th>Measured by your capability probe</th><th>Scope</th>'
                "<th>pass@1</th><th>95% interval</th><th>n</th></tr></thead><tbody>" + "".join(rows)
                + "</tbody></table>")
    return out


def _delta(alt: Alternative) -> str:
    parts = []
    for d in alt.deltas:
        cls = "" if d.delta is None or not d.comparable else "delta-up" if d.delta > 0 else "delta-down"
        parts.append(f'<li class="{cls}">{_e(delta_text(d))}</li>' if cls else f"<li>{_e(delta_text(d))}</li>")
    return f"<ul>{''.join(parts)}</ul>" if parts else "-"


def _alternatives(a: Assessment) -> str:
    if not a.alternatives:
        return '<h4>Alternatives</h4><p class="muted">None with lower risk that the policy allows.</p>'
    rows = []
    for n, alt in enumerate(a.alternatives, 1):
        who = ", ".join(x for x in (alt.developer, alt.country) if x) or "-"
        diff = alt.risk.score - a.risk.score
        rows.append(
            f'<tr data-alternative="{_e(alt.family)}"><td class="num">{n}</td><td><b>{_e(alt.name)}</b></td>'
            f"<td>{_e(who)}</td><td>{_badge(alt.risk.level, 'lvl-' + alt.risk.level)} {_e(risk_range(alt.risk))} "
            f'<span class="{"delta-up" if diff < 0 else "delta-down" if diff > 0 else ""}">({signed(diff, 2)})</span>'
            f"</td><td>{_delta(alt)}</td><td>{_e(', '.join(alt.removes) or '-')}</td>"
            f"<td>{_e(', '.join(alt.adds) or '-')}</td></tr>"
            f'<tr class="alt-summary"><td></td><td colspan="6">{_e(alt.summary)}</td></tr>')
    return ('<h4>Alternatives the policy allows</h4><table class="alternatives"><thead><tr><th>#</th><th>Model</th>'
            "<th>Developer</th><th>Risk (change)</th><th>Benchmarks: alternative vs current</th><th>Removes</th>"
            f"<th>Adds</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _card(report: Report, n: int, a: Assessment, unknown_as: object) -> str:
    r = a.risk
    inv = next((i for i, item in enumerate(report.inventory) if a.item and item.id == a.item), None)
    link = f' <a class="muted" href="#card-{inv}">provenance card</a>' if inv is not None else ""
    named = ", ".join(_e(x) for x in (a.name if a.name != a.subject else None, a.family) if x)
    policy = (_badge(policy_text(a), "fail" if a.passes_policy is False else "pass" if a.passes_policy else "info"))
    unknown = (f" · {_badge(f'{len(r.unknown)} unknown', 'unknown')} <span class='muted'>"
               f"({_e(', '.join(r.unknown))}: counted as {_e(unknown_as)} in the total, as 0 and 1 in the range)</span>"
               if r.unknown else "")
    return (f'<article class="card weigh-card" id="weigh-{n}" data-subject="{_e(a.subject)}">'
            f"<h3>{_e(a.subject)}</h3><p class='muted'>{named}{' · ' if named else ''}provenance "
            f"{_badge(a.provenance_status, a.provenance_status)}{link}</p>"
            f"<p class='weigh-risk'>{_badge(r.level, 'lvl-' + r.level)} Risk <b>{r.score:.2f}</b> "
            f"[{r.low:.2f}–{r.high:.2f}]{unknown} · {policy}</p>"
            f"<p class='weigh-summary'>{_e(a.summary)}</p><h4>Risk, factor by factor</h4>{_factors(a)}"
            f"{_capability(a)}{_alternatives(a)}</article>")


def _head(outcome: WeighOutcome) -> str:
    rows = [("Task", _e(outcome.task)), ("Capability axis", _e(benchmark_label(outcome.benchmark)))]
    if outcome.profile:
        rows.append(("Profile", f"<code>{_e(outcome.profile)}</code>"))
    if outcome.context:
        rows.append(("Context", _e(context_text(outcome))))
    if outcome.weights:
        rows.append(("Weights", ", ".join(f"{_e(k)} <b>{v:g}</b>" for k, v in outcome.weights.items())))
    return '<dl class="weigh-context">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def section(report: Report) -> str:
    """The `<section id="weigh">` of the HTML report; empty when the report was not weighed."""
    outcome = report.weigh
    if outcome is None:
        return ""
    bench = benchmark_label(outcome.benchmark)
    chart = (f'<figure class="frontier-figure"><figcaption>Provenance risk against {_e(bench)}: the frontier is '
             "the best score available at each level of risk; hover a point for its details.</figcaption>"
             f"{frontier_svg(outcome, chart_id='weigh-frontier')}</figure>" if outcome.frontier else
             '<p class="muted">No model has a score on the capability axis: no chart.</p>')
    unknown_as = outcome.context.get("unknown_as", "the profile's value")
    cards = "\n".join(_card(report, n, a, unknown_as) for n, a in enumerate(outcome.assessments))
    return ('<section id="weigh"><h2>Risk against capability</h2>'
            '<p class="weigh-intro">Each model\'s provenance risk, factor by factor (0 no concern, 1 highest; an '
            "unknown fact is shown as unknown and widens the range [low–high], it never counts as no risk), its "
            "capability from cited benchmarks (vendor-reported and independent results kept apart) and from your own "
            "capability-probe runs, and the alternatives your policy allows.</p>"
            f"{_head(outcome)}{chart}\n<div class=\"weigh-cards\">\n{cards or '<p>No models weighed.</p>'}\n</div>"
            "</section>\n")
