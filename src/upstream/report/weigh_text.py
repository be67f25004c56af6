"""The weigh section as text: for the terminal (`render_weigh_text`) and as Markdown (`weigh_markdown`).

Per model: the risk total with its range and level, and always every factor behind it (an unknown factor
reads "unknown", never 0); the cited benchmarks, each marked vendor-reported or independent; the team's own
measured pass@1 with its interval; the alternatives the policy allows with their deltas and summaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from upstream.models import (
    Assessment,
    BenchmarkDelta,
    MeasuredRun,
    Measurement,
    RiskFactor,
    RiskScore,
    SourceRef,
    WeighOutcome,
)
from upstream.weigh.benchmarks import MEASURED_PREFIX, benchmark_title

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|!#~&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Control characters, terminal escapes and bidirectional overrides: never passed through to a terminal"""
_COLORS = {"low": "\x1b[32m", "moderate": "\x1b[33m", "elevated": "\x1b[35m", "high": "\x1b[31m"}


def benchmark_label(key: str) -> str:
    """A benchmark's display name: `livecodebench` -> `LiveCodeBench`, `capability-probe:S` -> `pass@1 on S`;
    unknown keys as they are."""
    if key.startswith(MEASURED_PREFIX):
        return f"pass@1 on {key[len(MEASURED_PREFIX):]}"
    return benchmark_title(key) or "capability"


def clean(value: object) -> str:
    """One line of printable text: control characters (terminal escapes included) shown as `?`."""
    return _CONTROL.sub("?", " ".join(str(value).split()))


def num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def score_text(value: float) -> str:
    """A benchmark score as its source writes it: 74.1, 83, 2029."""
    return f"{round(value, 1):g}"


def signed(value: float, digits: int = 1) -> str:
    return f"{value:+.{digits}f}"


def risk_range(r: RiskScore) -> str:
    return f"{r.score:.2f} [{r.low:.2f}–{r.high:.2f}]"


def factor_value(f: RiskFactor) -> str:
    """The factor's value as shown: a number, or `unknown` / `not applicable` (never 0 for a missing fact)."""
    if f.status == "not-applicable":
        return "not applicable"
    if f.value is None or f.status == "unknown":
        return "unknown"
    return f"{f.value:.2f}" + (" (partial)" if f.status == "partial" else "")


def source_kind(independent: bool) -> str:
    return "independent" if independent else "vendor-reported"


def capability_runs(runs: Iterable[MeasuredRun]) -> list[tuple[MeasuredRun, Measurement]]:
    """The pass@1 numbers of the capability runs (behaviour runs are not capability)."""
    return [(run, m) for run in runs if run.kind == "capability" for m in run.metrics if m.metric == "pass_at_1"]


def measured_value(m: Measurement) -> str:
    if m.value is None:
        return f"insufficient (n={m.n})"
    interval = f" [{m.low:.2f}–{m.high:.2f}]" if m.low is not None and m.high is not None else ""
    return f"{m.value:.2f}{interval} n={m.n}" + (" (insufficient)" if m.insufficient else "")


def run_label(run: MeasuredRun) -> str:
    version = f" {run.suite_version}" if run.suite_version else ""
    return f"{run.suite}{version}" + (f" ({run.date})" if run.date else "")


def scope_label(m: Measurement) -> str:
    return m.scope + (f", {m.lang}" if m.lang != "*" else "")


def delta_text(d: BenchmarkDelta, brief: bool = False) -> str:
    """`LiveCodeBench 71.1 vs 74.1 (-3.0)`, with a warning when the two are not comparable (why, unless brief)."""
    alt = score_text(d.alternative) if d.alternative is not None else "n/a"
    cur = score_text(d.current) if d.current is not None else "n/a"
    out = f"{benchmark_label(d.benchmark)} {alt} vs {cur}"
    if d.delta is not None:
        out += f" ({signed(d.delta)})"
    if not d.comparable:
        out += " not comparable" + (f": {d.note}" if d.note and not brief else "")
    elif d.note and not brief:
        out += f" ({d.note})"
    return out


def policy_text(a: Assessment) -> str:
    if a.passes_policy is None:
        return "no policy applied"
    if a.passes_policy:
        return "passes the policy"
    return "fails the policy" + (f" ({', '.join(a.policy_rules)})" if a.policy_rules else "")


def context_text(outcome: WeighOutcome) -> str:
    parts = []
    for key, value in outcome.context.items():
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')} {shown or '-'}")
    return "; ".join(parts)


def weights_text(outcome: WeighOutcome) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in outcome.weights.items())


def frontier_text(outcome: WeighOutcome) -> str:
    """One sentence: the models on the axis benchmark's frontier, and the team's measured runs."""
    axis = [p for p in outcome.frontier if p.benchmark == outcome.benchmark]
    on = sorted((p for p in axis if p.on_frontier), key=lambda p: (p.risk, -p.capability, p.name))
    out = (f"Frontier: {len(on)} of {len(axis)} model(s) offer the best {benchmark_label(outcome.benchmark)} score "
           "for their risk: " + ", ".join(f"{p.name} (risk {p.risk:.2f}, {score_text(p.capability)})" for p in on)
           + ".")
    measured = sorted((p for p in outcome.frontier if p.measured), key=lambda p: (p.risk, p.name))
    if measured:
        out += " Your measured runs: " + ", ".join(
            f"{p.name} (risk {p.risk:.2f}, {benchmark_label(p.benchmark)} {score_text(p.capability)}%)"
            for p in measured) + "."
    return out


# --------------------------------------------------------------------------- terminal


class _Style:
    def __init__(self, color: bool) -> None:
        self.on = color

    def __call__(self, s: str, code_: str) -> str:
        return f"{code_}{s}\x1b[0m" if self.on and s else s

    def bold(self, s: str) -> str:
        return self(s, "\x1b[1m")

    def dim(self, s: str) -> str:
        return self(s, "\x1b[2m")

    def level(self, s: str, level: str) -> str:
        return self(s, _COLORS.get(level, ""))

    def warn(self, s: str) -> str:
        return self(s, "\x1b[1;33m")

    def bad(self, s: str) -> str:
        return self(s, "\x1b[31m")


def _bar(value: float | None) -> str:
    if value is None:
        return ""
    full = round(max(0.0, min(1.0, value)) * 10)
    return "█" * full + "░" * (10 - full)


def _table(rows: Sequence[Sequence[str]], indent: str, style: _Style,
           paint: Sequence[Sequence[str]] | None = None) -> list[str]:
    """Aligned columns (the last one free); the first row is the header. `paint` holds already-styled cells."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = list(paint[n]) if paint else list(row)
        padded = [cells[i] + " " * (widths[i] - len(row[i])) for i in range(len(widths))] + [cells[-1]]
        line = indent + "  ".join(padded).rstrip()
        lines.append(style.dim(line) if n == 0 else line)
    return lines


def _factor_lines(r: RiskScore, style: _Style) -> list[str]:
    rows = [["FACTOR", "VALUE", "", "WEIGHT", "REASON"]]
    paint = [list(rows[0])]
    for f in r.factors:
        shown = factor_value(f)
        cells = [clean(f.name), shown, _bar(f.value), f"{f.weight:g}", clean(f.reason)]
        rows.append(cells)
        painted = list(cells)
        if shown == "unknown":
            painted[1] = style.warn(shown)
        elif shown == "not applicable":
            painted[1] = style.dim(shown)
        painted[2] = style.dim(cells[2])
        paint.append(painted)
    return _table(rows, "    ", style, paint)


def _capability_lines(a: Assessment, style: _Style) -> list[str]:
    lines = [f"  {style.bold('Capability')} ({clean(a.capability.task)})"]
    if a.capability.benchmarks:
        rows = [["BENCHMARK", "SCORE", "SOURCE", "DATE", "MODEL AS NAMED"]]
        rows += [[clean(b.name), score_text(b.score), source_kind(b.independent), clean(b.date), clean(b.model)]
                 for b in a.capability.benchmarks]
        lines += _table(rows, "    ", style)
    else:
        lines.append("    no cited benchmark for this task in the knowledge base")
    for run, m in capability_runs(a.capability.measured):
        lines.append(f"    measured pass@1 · {clean(run_label(run))} · {clean(scope_label(m))}: {measured_value(m)}")
    return lines


def _alternative_lines(a: Assessment, style: _Style) -> list[str]:
    if not a.alternatives:
        return [f"  {style.bold('Alternatives')}: none with lower risk that the policy allows"]
    lines = [f"  {style.bold('Alternatives')} (allowed by the policy, best first)"]
    for n, alt in enumerate(a.alternatives, 1):
        who = ", ".join(clean(x) for x in (alt.developer, alt.country) if x)
        diff = signed(alt.risk.score - a.risk.score, 2)
        lines.append(f"    {n}. {style.bold(clean(alt.name))}" + (f" ({who})" if who else "")
                     + f"  risk {style.level(risk_range(alt.risk), alt.risk.level)} {alt.risk.level} ({diff})")
        both = [d for d in alt.deltas if d.current is not None and d.alternative is not None]
        if both:
            lines.append("       " + " · ".join(clean(delta_text(d, brief=True)) for d in both))
        if alt.removes or alt.adds:
            lines.append("       " + "; ".join(x for x in (
                f"removes {', '.join(alt.removes)}" if alt.removes else "",
                f"adds {', '.join(alt.adds)}" if alt.adds else "") if x))
        lines.append(f"       {style.dim(clean(alt.summary))}")
    return lines


def _assessment_lines(a: Assessment, style: _Style) -> list[str]:
    named = [x for x in (a.name if a.name != a.subject else None, a.family and f"family {a.family}",
                         a.item and a.item != a.subject and f"item {a.item}") if x]
    head = style.bold(clean(a.subject)) + (f"  ({clean(', '.join(named))})" if named else "")
    policy = policy_text(a)
    r = a.risk
    unknown = f" · {len(r.unknown)} unknown factor(s): {', '.join(r.unknown)}" if r.unknown else ""
    lines = [head, f"  provenance {a.provenance_status} · "
                   + (style.bad(clean(policy)) if a.passes_policy is False else clean(policy)),
             f"  Risk {style.level(risk_range(r), r.level)} {style.level(r.level, r.level)}{unknown}"]
    lines += _factor_lines(r, style)
    lines += _capability_lines(a, style)
    lines += _alternative_lines(a, style)
    lines.append(f"  {style.bold('Summary')}: {clean(a.summary)}")
    return lines


def render_weigh_text(outcome: WeighOutcome, color: bool = False) -> str:
    """The weigh section for a terminal; ANSI colour only when `color` is true."""
    style = _Style(color)
    head = f"Weigh · task {clean(outcome.task)} · capability axis {clean(benchmark_label(outcome.benchmark))}"
    lines = [style.bold(head + (f" · profile {clean(outcome.profile)}" if outcome.profile else ""))]
    if outcome.context:
        lines.append(style.dim(f"Context: {clean(context_text(outcome))}"))
    if outcome.weights:
        lines.append(style.dim(f"Weights: {clean(weights_text(outcome))}"))
    lines.append(style.dim("Risk runs from 0 (no concern) to 1 (highest); [low–high] counts unknown factors as 0 "
                           "and as 1. Unknown is never counted as no risk."))
    if not outcome.assessments:
        lines += ["", "No models to weigh."]
    for a in outcome.assessments:
        lines += ["", *_assessment_lines(a, style)]
    if outcome.frontier:
        lines += ["", clean(frontier_text(outcome))]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- markdown
# (the escaping of report/markdown.py, kept here so that markdown.py can import this module)


def text(value: object, limit: int = 300) -> str:
    """Text made safe for a Markdown table cell: one line, Markdown and HTML characters escaped, length capped."""
    s = clean(value)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return _MD_SPECIAL.sub(r"\\\1", s)


def code(value: object) -> str:
    """A short code span (backticks removed from the content, pipes escaped for tables)."""
    s = clean(value).replace("`", "'")[:300]
    return f"`{s}`".replace("|", "\\|")


def _md_link(src: SourceRef) -> str:
    title = text(src.title, 80)
    url = src.url or ""
    if not url.startswith(("https://", "http://")) or any(c in url for c in " <>\n"):
        return title
    return f"[{title}]({url.replace('(', '%28').replace(')', '%29')})"


def _md_factor_rows(r: RiskScore) -> list[str]:
    rows = ["| Factor | Value | Weight | Reason | Sources |", "|---|---|---:|---|---|"]
    for f in r.factors:
        shown = factor_value(f)
        value = f"**{shown}**" if shown == "unknown" else text(shown)
        srcs = ", ".join(_md_link(s) for s in f.sources) or "-"
        rows.append(f"| {text(f.name, 60)} | {value} | {f.weight:g} | {text(f.reason)} | {srcs} |")
    return rows


def _md_capability(a: Assessment) -> list[str]:
    out = [f"**Capability ({text(a.capability.task)})**", ""]
    if a.capability.benchmarks:
        out += ["| Benchmark | Score | Source | Date | Model as named | Cited |", "|---|---:|---|---|---|---|"]
        out += [f"| {text(b.name, 80)} | {score_text(b.score)} | {source_kind(b.independent)} | {text(b.date)} | "
                f"{text(b.model, 80)} | {', '.join(_md_link(s) for s in b.sources) or '-'} |"
                for b in a.capability.benchmarks]
    else:
        out.append("No cited benchmark for this task in the knowledge base.")
    runs = capability_runs(a.capability.measured)
    if runs:
        out += ["", "| Measured run | Scope | pass@1 | 95% interval | n |", "|---|---|---:|---|---:|"]
        for run, m in runs:
            interval = f"{m.low:.2f}–{m.high:.2f}" if m.low is not None and m.high is not None else "-"
            value = f"{m.value:.2f}" if m.value is not None else "insufficient"
            out.append(f"| {text(run_label(run), 80)} | {text(scope_label(m))} | {value} | {interval} | {m.n} |")
    return out


def _md_alternatives(a: Assessment) -> list[str]:
    if not a.alternatives:
        return ["**Alternatives:** none with lower risk that the policy allows."]
    out = ["**Alternatives the policy allows**", "",
           "| # | Model | Developer | Risk (change) | Benchmarks (alternative vs current) | Removes | Adds |",
           "|---:|---|---|---|---|---|---|"]
    for n, alt in enumerate(a.alternatives, 1):
        who = text(", ".join(x for x in (alt.developer, alt.country) if x) or "-", 80)
        out.append(f"| {n} | {text(alt.name, 100)} | {who} | {risk_range(alt.risk)} "
                   f"({signed(alt.risk.score - a.risk.score, 2)}) | "
                   f"{'; '.join(text(delta_text(d), 160) for d in alt.deltas) or '-'} | "
                   f"{', '.join(alt.removes) or '-'} | {', '.join(alt.adds) or '-'} |")
    out.append("")
    out += [f"{n}. {text(alt.summary, 600)}" for n, alt in enumerate(a.alternatives, 1)]
    return out


def _md_assessment(a: Assessment) -> str:
    r = a.risk
    unknown = f" · unknown: {', '.join(r.unknown)}" if r.unknown else ""
    parts = [f"#### {text(a.subject, 160)}", "",
             f"**Risk {risk_range(r)}, {r.level}**{unknown} · {text(policy_text(a))} · provenance "
             f"{a.provenance_status}" + (f" · item {code(a.item)}" if a.item and a.item != a.subject else ""),
             "", f"> {text(a.summary, 600)}", "", *_md_factor_rows(r), "", *_md_capability(a), "",
             *_md_alternatives(a)]
    return "\n".join(parts) + "\n"


def _md_overview(outcome: WeighOutcome) -> list[str]:
    axis = benchmark_label(outcome.benchmark)
    rows = [f"| Model | Risk [low–high] | Level | Unknown factors | Policy | {text(axis, 60)} | Top alternative |",
            "|---|---|---|---|---|---:|---|"]
    for a in outcome.assessments:
        best = [b.score for b in a.capability.benchmarks if b.benchmark == outcome.benchmark]
        top = a.alternatives[0].name if a.alternatives else "-"
        rows.append(f"| {text(a.subject, 120)} | {risk_range(a.risk)} | {a.risk.level} | {len(a.risk.unknown)} | "
                    f"{text(policy_text(a), 120)} | {score_text(max(best)) if best else '-'} | {text(top, 100)} |")
    return rows


_MD_NOTE = 600
"""Room kept for the note naming the models left out"""


def weigh_markdown(outcome: WeighOutcome, limit: int | None = None) -> str:
    """The weigh section in Markdown. With `limit` (characters) it never grows past it: models that do not fit
    are named in a closing note."""
    head = [f"### Weigh: provenance risk against capability ({text(outcome.task)})", "",
            f"Capability axis: **{text(benchmark_label(outcome.benchmark))}**"
            + (f" · profile {code(outcome.profile)}" if outcome.profile else "")
            + (f" · context: {text(context_text(outcome), 600)}" if outcome.context else ""), ""]
    if outcome.weights:
        head += [f"Weights: {text(weights_text(outcome), 600)}.", ""]
    head += ["Risk runs from 0 (no concern) to 1 (highest concern). The range [low–high] counts each unknown "
             "factor as 0 and as 1: unknown is shown as unknown, never as no risk.", ""]
    if not outcome.assessments:
        return "\n".join([*head, "No models to weigh.", ""])
    out = "\n".join([*head, *_md_overview(outcome), ""]) + "\n"
    if outcome.frontier:
        out += text(frontier_text(outcome), 3000) + "\n\n"
    if limit is not None and len(out) + _MD_NOTE > limit:
        return (f"{head[0]}\n\n_The weigh section ({len(outcome.assessments)} model(s)) does not fit here (size "
                "limit); the JSON report (`upstream weigh -f json`) has it._\n")[:max(limit, 0)]
    left = [a.subject for a in outcome.assessments]
    for n, a in enumerate(outcome.assessments, 1):
        block = _md_assessment(a) + "\n"
        note = _MD_NOTE if n < len(outcome.assessments) else 0  # the last model needs no room for the note
        if limit is not None and len(out) + len(block) + note > limit:
            break
        out += block
        left.pop(0)
    if left:
        out += (f"_{len(left)} more model(s) not shown (size limit): "
                f"{text(', '.join(left), 400)}. The JSON report (`upstream weigh -f json`) has them all._\n")
    return out
