"""Probe runs attached to inventory items, as text: Markdown lines for the PR comment and a terminal line.

Only the headline numbers: non-answer and state-narrative echo on China topics, the selective-censorship index,
the language gap and over-refusal, each with its 95% interval and n ("insufficient n" where the run had too few
items); capability runs show pass@1. The HTML report (report/html_probe.py) shows everything.
"""

from __future__ import annotations

from upstream.models import InventoryItem, MeasuredRun, Measurement, Report
from upstream.report.html_probe import number

_HEADLINE = (("non_answer", "non-answer"), ("narrative", "narrative echo"), ("sci", "selective censorship"),
             ("language_gap", "language gap"), ("over_refusal", "over-refusal"))


def _series(metrics: list[Measurement], metric: str) -> list[str]:
    return [f"{m.lang} {number(m)}" for m in metrics if m.metric == metric and m.scope == "all"]


def headline(run: MeasuredRun) -> str:
    """`non-answer en 0.95 [0.80, 0.99] n=40, zh-Hans ...; selective censorship en +0.90 ...` (plain text)."""
    if run.kind == "capability":
        cells = [f"{m.scope} {number(m)}" for m in run.metrics if m.metric == "pass_at_1"]
        return "pass@1 " + ", ".join(cells) if cells else "no numbers"
    parts = [f"{label} " + ", ".join(s) for key, label in _HEADLINE if (s := _series(run.metrics, key))]
    return "; ".join(parts) or "no numbers"


def markdown_lines(item: InventoryItem) -> list[str]:
    """One Markdown bullet per run attached to `item` (escaped: run files are not trusted text)."""
    from upstream.report.markdown import code, text

    lines = []
    for run in item.measurements:
        where = f" on {text(run.endpoint, 80)}" if run.endpoint else ""
        when = f", {text(run.date[:10])}" if run.date else ""
        match = f"; matched by {text(run.match, 80)}" if run.match else ""
        partial = " (incomplete run)" if not run.complete else ""
        lines.append(f"- {text(item.model.canonical, 120)}: {run.kind} probe {code(run.suite)}{where}{when}{match}"
                     f"{partial}: {text(headline(run), 600)}")
    return lines


def markdown_section(report: Report) -> str:
    """A `### Measured behaviour` section for every item with attached runs; empty when there are none."""
    lines = [line for item in report.inventory for line in markdown_lines(item)]
    if not lines:
        return ""
    return (f"### Measured behaviour ({len(lines)} run(s))\n\n" + "\n".join(lines)
            + "\n\n_Rates with 95% intervals and n, from the probe runs passed with `--probe`._\n")


def table_line(item: InventoryItem) -> str | None:
    """One line for the terminal table under the item's row, or None when no run is attached."""
    if not item.measurements:
        return None
    return "measured: " + " | ".join(f"{run.suite}: {headline(run)}" for run in item.measurements)
