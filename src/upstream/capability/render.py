"""The terminal summary of a capability run (JSON is the report dataclass as is)."""

from __future__ import annotations

from upstream.capability.results import CapabilityReport, TaskResult
from upstream.probe.render import _bold, _table, fmt_rate

MAX_EXAMPLES = 5


def render_capability(report: CapabilityReport, color: bool = False) -> str:
    fp, s = report.fingerprint, report.summary
    where = "local" if fp.local else "remote"
    lines = [
        _bold(f"upstream capability · {fp.model} @ {fp.endpoint} ({where})", color),
        f"suite {fp.suite} {fp.suite_version} ({fp.suite_hash[:19]}…) · {s.tasks} tasks · k={fp.samples}"
        f" · {', '.join(f'{k}={v}' for k, v in fp.params.items())} · {fp.date}",
        f"requests: {report.requests_sent} sent, {report.requests_cached} from the store · sandbox: "
        + (", ".join(s.isolation) or "no isolation layers reported"),
        "answers: " + " · ".join(f"{v} {k}" for k, v in s.statuses.items())
        + ("" if report.complete else "  (incomplete: rerun to retry the answers not scored)"),
        "",
        _bold(f"pass@1 over tasks (95% Wilson; insufficient n below {s.min_n} tasks)", color),
    ]
    rows = [["all tasks", fmt_rate(s.pass_at_1)]]
    rows += [[level, fmt_rate(rate)] for level, rate in s.by_difficulty.items()]
    lines += _table(rows)
    more = [p for p in s.pass_at_k if p.k > 1]
    if more:
        lines.append("unbiased pass@k: " + ", ".join(
            f"pass@{p.k} {p.value:.0%} (n={p.n})" if p.value is not None else f"pass@{p.k} n/a" for p in more))
    if s.sandbox:
        lines.append("sandbox outcomes: " + " · ".join(f"{v} {k}" for k, v in s.sandbox.items()))
    missed: dict[str, TaskResult] = {}
    for r in report.results:
        if r.status in ("failed", "no-code") and r.task not in missed and len(missed) < MAX_EXAMPLES:
            missed[r.task] = r
    if missed:
        lines += ["", _bold("Examples of failed tasks", color)]
        lines += [f"{r.task} [{r.difficulty}] {r.sandbox_status or r.status}: {why(r)}" for r in missed.values()]
    return "\n".join(lines) + "\n"


def why(r: TaskResult) -> str:
    """One line: the sandbox's first line (test and exception), and the failing assert when there is one."""
    detail = (r.sandbox_detail or r.extraction_note or r.status).strip()
    first = " ".join(detail.split("\n", 1)[0].split())[:100]
    asserted = next((line.strip() for line in detail.split("\n")[1:] if line.strip().startswith("assert ")), None)
    return f"{first} ({asserted[:80]})" if asserted else first
