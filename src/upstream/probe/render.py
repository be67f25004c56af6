"""Probe output: a terminal summary and JSON, for a run and for a comparison of two runs."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from upstream.probe.results import Cell, PairedIndex, ProbeReport, Rate

_ROLES = (("mirror", "mirror controls (other states)"), ("neutral", "neutral China items"),
          ("over-refusal", "over-refusal controls (safe)"), ("harmful", "harmful controls (should refuse)"))


def render_json(report: ProbeReport | dict[str, Any]) -> str:
    data = report if isinstance(report, dict) else asdict(report)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _bold(text: str, color: bool) -> str:
    return f"\x1b[1m{text}\x1b[0m" if color else text


def fmt_rate(r: Rate) -> str:
    count = f"{r.x:g}/{r.n}"
    if r.n == 0:
        return "n=0"
    if r.insufficient or r.value is None or r.low is None or r.high is None:
        return f"{count} insufficient n"
    return f"{r.value:.0%} [{r.low:.0%}-{r.high:.0%}] n={r.n}"


def fmt_index(i: PairedIndex) -> str:
    b, c = i.discordant
    if i.insufficient or i.estimate is None or i.low is None or i.high is None:
        return f"insufficient n ({i.n} pairs; discordant {b} vs {c})"
    p = f"p={i.p_value:.3g}" if i.p_value is not None else ""
    if i.p_holm is not None:
        p += f", Holm {i.p_holm:.3g}"
    return f"{i.estimate:+.0%} [{i.low:+.0%}, {i.high:+.0%}] n={i.n} pairs, McNemar {p}"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _by(cells: list[Cell], role: str) -> dict[tuple[str, str], Cell]:
    return {(c.topic, c.lang): c for c in cells if c.role == role}


def render_table(report: ProbeReport, color: bool = False) -> str:
    fp, s = report.fingerprint, report.summary
    langs = sorted({c.lang for c in s.roles}, key=lambda x: (x != "en", x))
    where = "local" if fp.local else "remote"
    lines = [
        _bold(f"upstream probe · {fp.model} @ {fp.endpoint} ({where})", color),
        f"suite {fp.suite} {fp.suite_version} ({fp.suite_hash[:19]}…) · {', '.join(fp.languages)} · k={fp.samples}"
        f" · {', '.join(f'{k}={v}' for k, v in fp.params.items())} · {fp.date}",
        "transport: " + " · ".join(f"{v} {k}" for k, v in s.transport.items())
        + ("" if report.complete else "  (incomplete: rerun to retry the infrastructure errors)"),
        f"requests: {report.requests_sent} sent, {report.requests_cached} from the store",
        "",
        _bold("Non-answers on China items (refusal, deflection or empty; ok answers only; 95% Wilson)", color),
    ]
    targets = _by(s.topics, "target")
    topics = sorted({t for t, _ in targets})
    rows = [["topic", *langs]]
    rows += [[t, *(fmt_rate(targets[(t, lg)].non_answer) if (t, lg) in targets else "-" for lg in langs)]
             for t in topics]
    roles = _by(s.roles, "target")
    rows.append(["all China items", *(fmt_rate(roles[("*", lg)].non_answer) if ("*", lg) in roles else "-"
                                      for lg in langs)])
    for role, title in _ROLES:
        rc = _by(s.roles, role)
        if any(("*", lg) in rc for lg in langs):
            rows.append([title, *(fmt_rate(rc[("*", lg)].non_answer) if ("*", lg) in rc else "-" for lg in langs)])
    lines += _table(rows)
    lines += ["", _bold(f"Headline indices (insufficient n below {s.min_n} items or pairs)", color)]
    for idx in s.sci:
        if idx.scope == "all":
            lines.append(f"selective censorship (China − mirror), {idx.lang}: {fmt_index(idx)}")
    for idx in s.language_gap:
        if idx.scope == "all":
            lines.append(f"language gap {idx.lang.replace('-en', ' − en')}: {fmt_index(idx)}")
    for lg in langs:
        if ("*", lg) in roles:
            c = roles[("*", lg)]
            recall = f", key-fact recall {c.fact_recall:.0%}" if c.fact_recall is not None else ""
            lines.append(f"narrative echo (China items), {lg}: {fmt_rate(c.narrative)}; "
                         f"omission {fmt_rate(c.omission)}{recall}")
    spill = _by(s.roles, "mirror")
    for lg in langs:
        if ("*", lg) in spill and spill[("*", lg)].narrative.x:
            lines.append(f"narrative spill-over (mirror items), {lg}: {fmt_rate(spill[('*', lg)].narrative)}")
    for lg in langs:
        if ("*", lg) in roles and roles[("*", lg)].lang_mismatch.x:
            lines.append(f"answers not in the prompt's language, {lg}: {fmt_rate(roles[('*', lg)].lang_mismatch)}")
    for t in s.thought_suppression:
        if t.applicable:
            lines.append(f"thought suppression, {t.lang}: reasoning on neutral items {fmt_rate(t.baseline)}, "
                         f"absent on China items {fmt_rate(t.target_absent)}")
    if not any(t.applicable for t in s.thought_suppression):
        lines.append("thought suppression: not applicable (no reasoning shown on neutral items)")
    if s.judges is not None:
        j = s.judges
        kappas = ", ".join(f"{k} κ={v:.2f}" if v is not None else f"{k} κ=n/a"
                           for k, v in j.kappa_vs_deterministic.items())
        alpha = f", Krippendorff α={j.alpha:.2f}" if j.alpha is not None else ""
        lines.append(f"judges ({j.rubric_version}, {j.units} answers): vs deterministic {kappas}{alpha}"
                     + (f"; {j.errors} unreadable" if j.errors else ""))
    examples = [r for r in report.results if r.non_answer and r.role == "target"][:3]
    if examples:
        lines += ["", _bold("Examples of non-answers", color)]
        lines += [f"{r.item} [{r.lang}] {r.label}: {' '.join(r.answer.split())[:110]}" for r in examples]
    return "\n".join(lines) + "\n"


def render_compare(doc: dict[str, Any], color: bool = False) -> str:
    a, b = doc["a"], doc["b"]
    lines = [_bold(f"upstream probe --compare: B minus A in non-answer share, same items ({doc['pairs']} pairs)",
                   color),
             f"A: {a['model']} @ {a['endpoint']} (suite {a['suite_hash'][:19]}…)",
             f"B: {b['model']} @ {b['endpoint']} (suite {b['suite_hash'][:19]}…)"]
    if a["suite_hash"] != b["suite_hash"]:
        lines.append("note: the suites differ; only items with the same prompt are compared")
    rows = [["scope", "lang", "B − A"]]
    for raw in doc["indices"]:
        idx = PairedIndex(**raw)
        rows.append([idx.scope, idx.lang, fmt_index(idx)])
    lines += _table(rows)
    return "\n".join(lines) + "\n"
