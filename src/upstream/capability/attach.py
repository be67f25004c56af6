"""A saved capability run (the JSON document) as a `MeasuredRun` for the Report and `upstream weigh`.

Metrics: "pass_at_1" over all tasks (scope "all") and per difficulty (scope "easy", "medium", "hard"),
each with its Wilson 95% interval and n (None and `insufficient` under the run's min_n), plus
"pass_at_K" point estimates for each K > 1 the run had samples for. Examples: a few answers, failed
ones first, the code they held and what the tests said. Reads untrusted JSON defensively.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from upstream.errors import ConfigError
from upstream.models import MeasuredRun, Measurement, ProbeExample
from upstream.probe.doc_values import MAX_EXAMPLES, count, cut, number, text

_HINT = "write one with 'upstream probe --endpoint URL --model NAME --capability quick -f json -o run.json'"


def _rate(rate: Any, scope: str) -> Measurement | None:
    if not isinstance(rate, Mapping):
        return None
    return Measurement(metric="pass_at_1", scope=scope, value=number(rate.get("value")), low=number(rate.get("low")),
                       high=number(rate.get("high")), n=count(rate.get("n")),
                       insufficient=bool(rate.get("insufficient")))


def metrics(summary: Mapping[str, Any]) -> list[Measurement]:
    """pass@1 overall and per difficulty, then pass@k for k > 1."""
    out = [_rate(summary.get("pass_at_1"), "all")]
    levels = summary.get("by_difficulty")
    if isinstance(levels, Mapping):
        out += [_rate(rate, text(level, 40)) for level, rate in levels.items()]
    for entry in summary.get("pass_at_k") or []:
        if isinstance(entry, Mapping) and count(entry.get("k")) > 1:
            value = number(entry.get("value"))
            out.append(Measurement(metric=f"pass_at_{count(entry['k'])}", value=value, n=count(entry.get("n")),
                                   insufficient=value is None))
    return [m for m in out if m is not None]


def _prompts(suite_id: str) -> dict[str, str]:
    """The messages of the built-in suite's tasks when the run used it (each is checked against the hash the
    result keeps, so another version of a task shows no prompt)."""
    from upstream.capability.suite import load_suite

    try:
        full, quick = load_suite("full"), load_suite("quick")
    except (ConfigError, OSError):
        return {}
    return {t.id: full.message(t) for t in full.tasks} if suite_id in (full.id, quick.id) else {}


def examples(results: list[Any], suite_id: str = "") -> list[ProbeExample]:
    """Up to six first-sample answers: failures (one per difficulty first), then passes."""
    rows = [r for r in results if isinstance(r, Mapping) and not r.get("sample")
            and r.get("status") in ("passed", "failed", "no-code")]
    failed = [r for r in rows if r.get("status") != "passed"]
    passed = [r for r in rows if r.get("status") == "passed"]
    chosen: list[Mapping[str, Any]] = []
    for group, limit in ((failed, 4), (passed, MAX_EXAMPLES)):
        picked: list[Mapping[str, Any]] = []
        for strict in (True, False):
            for r in group:
                if len(picked) >= limit or len(chosen) + len(picked) >= MAX_EXAMPLES:
                    break
                if any(p is r for p in picked) or (
                        strict and any(p.get("difficulty") == r.get("difficulty") for p in picked)):
                    continue
                picked.append(r)
        chosen += picked
    prompts = _prompts(suite_id) if chosen else {}
    out = []
    for r in chosen:
        prompt = prompts.get(text(r.get("task")), "")
        if prompt and hashlib.sha256(prompt.encode()).hexdigest()[:16] != r.get("prompt_sha"):
            prompt = ""
        code = r.get("code") if isinstance(r.get("code"), str) and r.get("code") else r.get("answer")
        note = r.get("sandbox_detail") or r.get("extraction_note") or r.get("detail")
        out.append(ProbeExample(
            item=text(r.get("task")), topic=text(r.get("difficulty"), 40), role="task", lang="python",
            label="passed" if r.get("status") == "passed" else "failed", prompt=cut(prompt, 400),
            answer=cut(str(code or "")), note=cut(str(note), 200) if note else None))
    return out


def measured_run(doc: Mapping[str, Any], source: str) -> MeasuredRun:
    """A capability report (or a behaviour probe report carrying one under "capability") as a MeasuredRun."""
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{source}: not a capability run (not a JSON object)", hint=_HINT)
    if doc.get("kind") == "probe" and isinstance(doc.get("capability"), Mapping):
        doc = doc["capability"]
    fp, summary = doc.get("fingerprint"), doc.get("summary")
    if doc.get("kind") != "capability":
        raise ConfigError(f"{source}: not a capability run (kind {doc.get('kind')!r})", hint=_HINT)
    if not isinstance(fp, Mapping) or not fp.get("model") or not isinstance(summary, Mapping) or not isinstance(
            summary.get("pass_at_1"), Mapping):
        raise ConfigError(f"{source}: a capability run without its fingerprint (model) or pass@1 summary; "
                          "was it cut short?", hint=_HINT)
    served = fp.get("served_models")
    results = doc.get("results")
    suite_id, suite_hash = text(fp.get("suite")), text(fp.get("suite_hash"), 100)
    return MeasuredRun(
        kind="capability", source=source, endpoint=text(fp.get("endpoint"), 500) or None, model=text(fp["model"]),
        served_models=[text(s) for s in served if isinstance(s, str)][:20] if isinstance(served, list) else [],
        suite=suite_id or "unknown", suite_version=text(fp.get("suite_version"), 40) or None,
        suite_hash=suite_hash or None, date=text(fp.get("date"), 40) or None,
        complete=doc.get("complete") is not False, metrics=metrics(summary),
        examples=examples(results if isinstance(results, list) else [], suite_id),
    )
