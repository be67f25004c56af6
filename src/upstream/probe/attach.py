"""Saved probe runs -> `MeasuredRun` values, attached to the inventory items they measured.

    runs = load_runs(["run.json"])        # behaviour (`upstream probe -f json`) and capability documents
    report = attach(report, runs)         # each run in the `measurements` of the items it matches

`attach_runs` also returns the runs that matched nothing, with the reason, so that none is lost silently.
Matching (model names, knowledge-base identity, serving path) lives in `upstream.probe.attach_match`.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

from upstream.errors import ConfigError
from upstream.models import InventoryItem, MeasuredRun, Measurement, ProbeExample, Report
from upstream.policy.probes import RATE_METRICS
from upstream.probe.attach_match import Unmatched, match_runs
from upstream.probe.doc_values import MAX_EXAMPLES, count, cut, number, text

if TYPE_CHECKING:
    from upstream.policy.config import Policy

MAX_BYTES = 256 << 20
"""A saved run larger than this is refused (a full suite with several samples stays far below)"""
_HINT = "write one with 'upstream probe --endpoint URL --model NAME -f json -o run.json'"


@dataclass(frozen=True, slots=True)
class Attachment:
    """The report with the runs attached, and the runs that matched no inventory item (with why)."""

    report: Report
    unmatched: list[Unmatched] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def _read(path: str) -> Any:
    """The JSON document in `path`; every problem becomes a ConfigError naming the file."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise ConfigError(f"--probe {path}: no such file", hint=_HINT) from None
    except OSError as exc:
        raise ConfigError(f"--probe {path}: cannot be read ({exc.strerror or exc})") from None
    if os.path.isdir(path):
        raise ConfigError(f"--probe {path}: is a directory, not a saved probe run", hint=_HINT)
    if size > MAX_BYTES:
        raise ConfigError(f"--probe {path}: larger than {MAX_BYTES >> 20} MiB; not a saved probe run", hint=_HINT)
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_BYTES + 1).decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"--probe {path}: not a UTF-8 text file; not a saved probe run", hint=_HINT) from None
    except OSError as exc:
        raise ConfigError(f"--probe {path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--probe {path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                          hint=_HINT) from None
    except RecursionError:
        raise ConfigError(f"--probe {path}: JSON nested too deeply; not a saved probe run", hint=_HINT) from None


def load_runs(paths: Sequence[str]) -> list[MeasuredRun]:
    """The runs saved in `paths`: behaviour probe reports (kind "probe", with the capability run they carry
    under "capability") and capability reports (kind "capability"). ConfigError for a file that is none."""
    runs: list[MeasuredRun] = []
    for path in paths:
        doc = _read(path)
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if not isinstance(doc, dict) or doc.get("tool", "upstream") != "upstream" or kind not in ("probe",
                                                                                                  "capability"):
            what = f"kind {kind!r}" if isinstance(kind, str) else "no 'kind'"
            if kind == "probe-compare":
                what = "a comparison of two runs ('upstream probe --compare'), not a run"
            elif isinstance(doc, dict) and "inventory" in doc:
                what = "a scan report, not a probe run"
            raise ConfigError(f"--probe {path}: not a saved probe run ({what}; expected kind 'probe' or "
                              "'capability')", hint=_HINT)
        if kind == "probe":
            runs.append(behaviour_run(doc, path))
            if isinstance(doc.get("capability"), dict):
                runs.append(_capability(doc["capability"], path))
        else:
            runs.append(_capability(doc, path))
    return runs


def _capability(doc: Mapping[str, Any], source: str) -> MeasuredRun:
    try:
        module = importlib.import_module("upstream.capability.attach")
    except ImportError:
        raise ConfigError(f"--probe {source}: holds a capability run, which this upstream cannot read "
                          "(upstream.capability.attach is missing)") from None
    measured_run = cast(Callable[[Mapping[str, Any], str], MeasuredRun], module.measured_run)
    try:
        return measured_run(doc, source)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"--probe {source}: malformed capability run ({exc})", hint=_HINT) from None


# --------------------------------------------------------------------------- behaviour documents


def _rate(metric: str, rate: Any, lang: str, scope: str = "all") -> Measurement | None:
    if not isinstance(rate, Mapping):
        return None
    return Measurement(metric=metric, lang=lang, scope=scope, value=number(rate.get("value")),
                       low=number(rate.get("low")), high=number(rate.get("high")), n=count(rate.get("n")),
                       insufficient=bool(rate.get("insufficient")))


def _cells(summary: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    part = summary.get(key)
    return [c for c in part if isinstance(c, Mapping)] if isinstance(part, list) else []


def behaviour_metrics(summary: Mapping[str, Any]) -> list[Measurement]:
    """China-topic rates per language, over-refusal, per-topic non-answer rates, and the paired indices."""
    out: list[Measurement | None] = []
    for cell in _cells(summary, "roles"):
        lang = text(cell.get("lang", "*"), 40)
        if cell.get("role") == "target":
            out += [_rate(name, cell.get(name), lang) for name in RATE_METRICS]
        elif cell.get("role") == "over-refusal":
            out.append(_rate("over_refusal", cell.get("non_answer"), lang))
    for cell in _cells(summary, "topics"):
        if cell.get("role") == "target" and cell.get("topic") not in (None, "*"):
            out.append(_rate("non_answer", cell.get("non_answer"), text(cell.get("lang", "*"), 40),
                             text(cell["topic"])))
    for key in ("sci", "language_gap"):
        for idx in _cells(summary, key):
            if idx.get("name") != key:
                continue
            out.append(Measurement(metric=key, lang=text(idx.get("lang", "*"), 40), scope=text(idx.get("scope", "all")),
                                   value=number(idx.get("estimate")), low=number(idx.get("low")),
                                   high=number(idx.get("high")), n=count(idx.get("n")),
                                   insufficient=bool(idx.get("insufficient"))))
    return [m for m in out if m is not None]


def behaviour_run(doc: Mapping[str, Any], source: str) -> MeasuredRun:
    """A behaviour probe report (the JSON `upstream probe -f json` writes) as a MeasuredRun."""
    fp, summary = doc.get("fingerprint"), doc.get("summary")
    if not isinstance(fp, Mapping) or not fp.get("model") or not isinstance(summary, Mapping):
        raise ConfigError(f"--probe {source}: a probe report without its fingerprint (model) or summary; "
                          "was it cut short?", hint=_HINT)
    served = fp.get("served_models")
    results = doc.get("results")
    return MeasuredRun(
        kind="behaviour", source=source, endpoint=text(fp.get("endpoint"), 500) or None, model=text(fp["model"]),
        served_models=[text(s) for s in served if isinstance(s, str)][:20] if isinstance(served, list) else [],
        suite=text(fp.get("suite")) or "unknown", suite_version=text(fp.get("suite_version"), 40) or None,
        suite_hash=text(fp.get("suite_hash"), 100) or None, date=text(fp.get("date"), 40) or None,
        complete=doc.get("complete") is not False, metrics=behaviour_metrics(summary),
        examples=examples(results if isinstance(results, list) else [], text(fp.get("suite"))),
    )


# --------------------------------------------------------------------------- examples


def _prompts(suite_id: str) -> dict[str, Any] | None:
    """The built-in suite's items by id, when the run used one (saved results keep only a prompt hash)."""
    from upstream.probe.suite import load_suite

    try:
        full = load_suite("full")
    except (ConfigError, OSError):
        return None
    quick_ids = ("china-sensitive-quick",)
    return dict(full.by_id()) if suite_id in (full.id, *quick_ids) else None


def _prompt(items: dict[str, Any] | None, r: Mapping[str, Any]) -> str:
    import hashlib

    item = items.get(str(r.get("item"))) if items else None
    text = item.prompt(str(r.get("lang"))) if item is not None else None
    if not text or hashlib.sha256(text.encode()).hexdigest()[:16] != r.get("prompt_sha"):
        return ""  # not the prompt the run sent (another suite version)
    return cut(str(text), 400)


def _pick(rows: list[Mapping[str, Any]], limit: int) -> list[Mapping[str, Any]]:
    """Up to `limit` rows, one per topic first."""
    chosen: list[Mapping[str, Any]] = []
    for strict in (True, False):
        for r in rows:
            if len(chosen) >= limit:
                return chosen
            if any(c is r for c in chosen) or (strict and any(c.get("topic") == r.get("topic") for c in chosen)):
                continue
            chosen.append(r)
    return chosen


def _note(r: Mapping[str, Any]) -> str | None:
    narrative = [str(x) for x in r.get("narrative") or [] if isinstance(x, str)]
    if narrative:
        return "state-narrative markers: " + ", ".join(narrative[:5])
    evidence = [str(x) for x in (r.get("refusal_evidence") or []) + (r.get("deflection_evidence") or [])
                if isinstance(x, str)]
    if evidence:
        return "cue: " + ", ".join(cut(x, 80) for x in evidence[:3])
    if r.get("mirrors"):
        return f"matched control for {text(r['mirrors'])}"
    return None


def examples(results: list[Any], suite_id: str = "") -> list[ProbeExample]:
    """A handful of answers: China-topic non-answers and answers (narrative echoes first), and a matched
    control's answer (the mirror of a refused item when there is one). First sample only, ok answers only."""
    ok = [r for r in results if isinstance(r, Mapping) and r.get("transport") == "ok" and not r.get("sample")
          and isinstance(r.get("answer"), str)]
    target = [r for r in ok if r.get("role") == "target"]
    refused = _pick([r for r in target if r.get("non_answer")], 3)
    answered = [r for r in target if r.get("label") == "answered"]
    answered.sort(key=lambda r: not r.get("narrative"))
    said = _pick(answered, 2)
    refused_ids = {r.get("item") for r in refused}
    mirrors = [r for r in ok if r.get("role") == "mirror" and r.get("label") == "answered"]
    mirrors.sort(key=lambda r: r.get("mirrors") not in refused_ids)
    chosen = (refused + said + mirrors[:1])[:MAX_EXAMPLES]
    items = _prompts(suite_id) if chosen else None
    return [ProbeExample(item=text(r.get("item")), topic=text(r.get("topic")), role=text(r.get("role"), 40),
                         lang=text(r.get("lang"), 40), label=text(r.get("label"), 40) or None,
                         prompt=_prompt(items, r), answer=cut(str(r["answer"])), note=_note(r))
            for r in chosen]


# --------------------------------------------------------------------------- attaching


def _key(run: MeasuredRun) -> tuple[str, str, str, str | None, str | None, str | None]:
    return (run.kind, run.source, run.model, run.endpoint, run.date, run.suite_hash)


def attach_runs(report: Report, runs: Sequence[MeasuredRun]) -> Attachment:
    """The report with each run in the `measurements` of every inventory item it matches (with `match` saying
    how), and the runs that matched none."""
    matches, unmatched = match_runs(report.inventory, runs)
    if not matches:
        return Attachment(report, unmatched)
    inventory: list[InventoryItem] = []
    for item in report.inventory:
        found = matches.get(item.id)
        if not found:
            inventory.append(item)
            continue
        added = [replace(run, match=how) for run, how in found]
        again = {_key(run) for run in added}  # the same run attached again (`upstream report --probe`) replaces it
        kept = [run for run in item.measurements if _key(run) not in again]
        inventory.append(replace(item, measurements=[*kept, *added]))
    return Attachment(replace(report, inventory=inventory), unmatched)


def warning(u: Unmatched) -> str:
    """The stderr line for a run that matched no inventory item."""
    return f"upstream: warning: --probe {u.run.source}: not attached to any model: {u.reason}"


def regate(report: Report, policy: Policy) -> Report:
    """The report with `policy` applied again, its probe-threshold rule reading the attached behaviour runs."""
    from upstream.policy import with_policy
    from upstream.policy.probes import metrics_from_report

    return with_policy(report, policy, metrics_from_report(report))


def attach(report: Report, runs: Sequence[MeasuredRun]) -> Report:
    """The report with each run attached to the inventory items it measured (unmatched runs are left out:
    use `attach_runs` to hear about them)."""
    return attach_runs(report, runs).report


__all__ = ["Attachment", "Unmatched", "attach", "attach_runs", "behaviour_metrics", "behaviour_run", "examples",
           "load_runs", "regate", "warning"]
