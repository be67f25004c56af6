"""The annotated fixture corpus: every planted reference found where it is, nothing else reported.

Fixtures live under tests/fixtures/scan/<form>/; their expectations are written inline (see
tests/annotations.py). The whole corpus is scanned once, as a user would scan a repository.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from annotations import Expectations, Key, read_expectations

from upstream.config import scan_config
from upstream.models import Report
from upstream.pipeline import scan

CORPUS = Path(__file__).parent / "fixtures" / "scan"
MIN_REFERENCES = 150
MIN_LOOKALIKES = 40


def _fixture_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.name.endswith(".expect"))


@pytest.fixture(scope="module")
def corpus_report() -> Report:
    return scan(scan_config(str(CORPUS), {"jobs": 1}))


def _reported(report: Report) -> tuple[dict[str, dict[Key, set[tuple[str, str | None]]]],
                                         dict[str, dict[Key, set[str]]]]:
    models: dict[str, dict[Key, set[tuple[str, str | None]]]] = defaultdict(dict)
    for item in report.inventory:
        ep = item.endpoint.operator_id if item.endpoint else None
        for ev in item.evidence:
            models[ev.path].setdefault((ev.cell, ev.line or 0), set()).add((item.model.canonical.lower(), ep))
    endpoints: dict[str, dict[Key, set[str]]] = defaultdict(dict)
    for use in report.endpoints:
        for ev in use.evidence:
            endpoints[ev.path].setdefault((ev.cell, ev.line or 0), set()).add(use.endpoint.operator_id or "?")
    return models, endpoints


def _compare(exp: Expectations, got: dict[Key, set[tuple[str, str | None]]]) -> list[str]:
    problems = []
    for key in sorted(set(exp.models) | set(got), key=lambda k: (k[0] or 0, k[1])):
        want = {(m.lower(), e) for m, e in exp.models.get(key, set())}
        have = got.get(key, set())
        have_models = {m for m, _ in have}
        where = f"cell {key[0]} line {key[1]}" if key[0] is not None else f"line {key[1]}"
        for model, ep in sorted(want, key=str):
            if model not in have_models:
                problems.append(f"{where}: missed {model}" + (f" (got {sorted(have_models)})" if have else ""))
            elif ep is not None and (model, ep) not in have:
                eps = sorted(str(e) for m, e in have if m == model)
                problems.append(f"{where}: {model} served by {eps}, expected @{ep}")
        extra = have_models - {m for m, _ in want}
        if extra:
            problems.append(f"{where}: unexpected {sorted(extra)}")
    return problems


def test_corpus_is_large_enough() -> None:
    refs = looks = 0
    for path in _fixture_files():
        exp = read_expectations(path)
        refs += exp.count
        looks += len(exp.lookalikes)
    assert refs >= MIN_REFERENCES, f"only {refs} annotated references"
    assert looks >= MIN_LOOKALIKES, f"only {looks} annotated look-alikes"


@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_fixture(path: Path, corpus_report: Report) -> None:
    rel = path.relative_to(CORPUS).as_posix()
    exp = read_expectations(path)
    models, endpoints = _reported(corpus_report)
    problems = _compare(exp, models.get(rel, {}))
    for key, want_eps in exp.endpoints.items():
        have = endpoints.get(rel, {}).get(key, set())
        for ep in want_eps:
            if ep not in have:
                problems.append(f"line {key[1]}: endpoint {ep} not reported (got {sorted(have)})")
    for key, want_sdks in exp.sdks.items():
        have_sdks = {s.name for s in corpus_report.sdks for loc in s.locations
                     if loc.path == rel and loc.line == key[1]}
        for name in want_sdks:
            if name not in have_sdks:
                problems.append(f"line {key[1]}: SDK {name} not reported (got {sorted(have_sdks)})")
    assert not problems, f"{rel}:\n  " + "\n  ".join(problems)
