"""SARIF 2.1.0: valid against the official schema, shaped the way GitHub code scanning ingests it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from policy_support import (
    DEEPSEEK,
    DEEPSEEK_API,
    ROOT,
    SARIF_SCHEMA,
    TODAY,
    card,
    check_golden,
    cwd,
    demo_under_policy,
    item,
    redact,
    report,
)

from upstream.config import scan_config
from upstream.models import Report
from upstream.pipeline import scan
from upstream.policy import RULES, apply_policy, parse_policy, with_policy
from upstream.policy.probes import ProbeMetric
from upstream.report.sarif import render_sarif, repo_path


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def sarif(rep: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render_sarif(rep, False))
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, f"not valid SARIF 2.1.0: {errors[0].message} at {list(errors[0].path)}"
    return doc


def github_accepts(doc: dict[str, Any]) -> None:
    """What GitHub code scanning needs beyond the schema: a repository-relative location on every result."""
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] and run["tool"]["driver"]["version"]
    for res in run["results"]:
        assert res["message"]["text"] and res["ruleId"]
        assert res["locations"], "GitHub rejects the whole upload when a result has no location"
        for loc in res["locations"] + res.get("relatedLocations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert not uri.startswith(("/", "file:", "..")) and ":" not in uri.split("/")[0]
            assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert loc["physicalLocation"]["region"]["startLine"] >= 1
        assert res["partialFingerprints"]["primaryLocationLineHash"]


@lru_cache(maxsize=1)
def demo() -> Report:
    return demo_under_policy()


def test_golden_sarif_of_the_example_project() -> None:
    rep = demo()
    text = render_sarif(rep, False)
    sarif(rep)
    check_golden("demo-app.sarif.json", redact(text, rep))


def test_example_project_results_point_into_the_repository() -> None:
    doc = sarif(demo())
    github_accepts(doc)
    results = doc["runs"][0]["results"]
    first = {(r["ruleId"], r["properties"]["model"]): r for r in results}
    ds = first[("operator-country", "deepseek-chat")]
    loc = ds["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "examples/demo-app/app/settings.py" and loc["region"]["startLine"] == 9
    assert ds["level"] == "error"
    assert ds["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/demo-app/.env.example"


def test_ignored_findings_are_suppressed_with_the_reason() -> None:
    results = sarif(demo())["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1 and suppressed[0]["properties"]["model"] == "qwen2.5-coder:7b"
    sup = suppressed[0]["suppressions"][0]
    assert sup["kind"] == "external" and sup["justification"].startswith("Reviewed by the platform team")
    assert sup["properties"]["expires"] == "2027-06-30"
    assert all(not r.get("suppressions") for r in results if r["properties"]["model"] != "qwen2.5-coder:7b")


def test_every_rule_is_described_for_the_code_scanning_ui() -> None:
    rules = sarif(demo())["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    for r in rules:
        assert r["name"][0].isupper() and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert "## How to fix it" in r["help"]["markdown"] and r["help"]["text"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert r["properties"]["tags"]
        if "security" in r["properties"]["tags"]:
            assert 0.0 < float(r["properties"]["security-severity"]) <= 10.0
    by_id = {r["id"]: r for r in rules}
    assert by_id["unsafe-model-format"]["properties"]["security-severity"] == "9.5"
    # the demo policy lowers unpinned-model-revision to low: the rule says what its results carry
    assert by_id["unpinned-model-revision"]["defaultConfiguration"]["level"] == "note"


def test_result_rule_index_points_at_its_rule() -> None:
    run = sarif(demo())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_fingerprints_survive_an_edit_that_moves_the_line(tmp_path: Path) -> None:
    app = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "demo-app", app)

    def scan_it() -> dict[str, Any]:
        with cwd(tmp_path):
            rep = apply_policy(scan(scan_config("repo", {"jobs": 1})), "repo", today=TODAY)
        return sarif(rep)

    before = scan_it()
    settings = app / "app" / "settings.py"
    settings.write_text("# a comment added above\n\n" + settings.read_text(encoding="utf-8"), encoding="utf-8")
    after = scan_it()

    def fps(doc: dict[str, Any]) -> dict[str, int]:
        return {r["partialFingerprints"]["primaryLocationLineHash"]:
                r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in doc["runs"][0]["results"]}

    assert set(fps(before)) == set(fps(after)) and len(fps(before)) >= 5
    moved = [fp for fp in fps(before) if fps(after)[fp] == fps(before)[fp] + 2]
    assert moved, "the lines moved, the fingerprints did not"


def _one(rep: Report) -> dict[str, Any]:
    return sarif(rep)["runs"][0]


def test_paths_are_relative_to_the_repository_root() -> None:
    assert repo_path("services/api", "app/main.py") == "services/api/app/main.py"
    assert repo_path(".", "app/main.py") == "app/main.py"
    assert repo_path("./", "app/main.py") == "app/main.py"
    assert repo_path("/github/workspace/services/api", "main.py") == "services/api/main.py"
    assert repo_path("/github/workspace", "main.py") == "main.py"
    assert repo_path("/home/me/repo", "main.py") == "main.py"  # absolute: relative to the scanned root
    assert repo_path("src/app/settings.py", "settings.py") == "src/app/settings.py"  # the root was the file
    assert repo_path("a b/c", "d e.py") == "a b/c/d e.py"


def test_uris_are_percent_encoded() -> None:
    rep = report(item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK,
                      where=(("my app/chat #1.py", 4),)))
    rep = with_policy(rep, parse_policy({"rules": {"developer-country": {"countries": ["CN"]}}}, "p.toml"),
                      today=TODAY)
    uri = _one(rep)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20app/chat%20%231.py"


def test_notebook_locations_name_the_cell() -> None:
    it = item("Qwen/Qwen2.5-7B", where=(("nb/eval.ipynb", 3),))
    rep = report(dataclasses.replace(it, evidence=[dataclasses.replace(e, cell=2) for e in it.evidence]))
    rep = with_policy(rep, parse_policy({"rules": {"unpinned-model-revision": {}}}, "p.toml"), today=TODAY)
    res = _one(rep)["results"][0]
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 1  # line 3 of a cell, not of the file
    assert res["locations"][0]["message"]["text"] == "notebook cell 2, line 3"


def test_artifact_findings_point_at_the_file() -> None:
    rep = report(artifacts=(card("models/model.pkl", fmt="pickle", verdict="dangerous", dangerous=("os.system",)),))
    rep = with_policy(rep, parse_policy({"rules": {"unsafe-model-format": {}}}, "p.toml"), today=TODAY)
    run = _one(rep)
    github_accepts({"runs": [run]})
    assert run["results"][0]["level"] == "error"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "models/model.pkl"


def test_a_finding_without_a_location_is_anchored_at_the_policy_file_or_noted() -> None:
    probes = (ProbeMetric(model="ghost:1b", metric="narrative", value=0.5, low=0.4, high=0.6, n=50),)
    policy = parse_policy({"rules": {"probe-threshold": {"max": {"narrative": 0.1}}}}, "ci/upstream.toml")
    rep = with_policy(report(), policy, probes=probes, today=TODAY)
    run = _one(rep)
    github_accepts({"runs": [run]})
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ci/upstream.toml"
    rep = with_policy(report(), parse_policy({"rules": {"probe-threshold": {"max": {"narrative": 0.1}}}},
                                        "profile:inventory-only", "inventory-only"), probes=probes, today=TODAY)
    run = _one(rep)
    assert run["results"] == []
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("ghost:1b" in n and "without a location" in n for n in notes)


def test_without_a_policy_there_are_no_results_and_a_note_says_why() -> None:
    run = _one(report(item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK)))
    assert run["results"] == []
    assert "no policy applied" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert run["properties"]["decision"] is None


@pytest.mark.parametrize("field", ["expired", "unused"])
def test_ignores_to_review_are_notifications(field: str) -> None:
    until = "2026-01-01" if field == "expired" else "2099-01-01"
    model = "deepseek-chat" if field == "expired" else "gone-model"
    policy = parse_policy({"rules": {"developer-country": {"countries": ["CN"]}},
                           "ignore": [{"rule": "developer-country", "model": model, "reason": "old decision",
                                       "until": until}]}, "p.toml")
    rep = with_policy(report(item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK)), policy,
                      today=TODAY)
    notes = [n for n in _one(rep)["invocations"][0]["toolExecutionNotifications"]]
    assert any(n["level"] == "warning" and f"{field} ignore" in n["message"]["text"] for n in notes)
