"""`upstream weigh` end to end: models named on the command line, a saved scan, a fresh scan; the real knowledge
base, the real policy profiles, the published report schema."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from upstream.cli import main
from upstream.weigh.assess import split_named

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
FACTORS = {"developer-jurisdiction", "lineage-roots", "endpoint", "licence", "transparency", "behaviour",
           "supply-chain"}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def weighed(*argv: str, expect: int = 0) -> dict[str, Any]:
    code, out, err = run("weigh", *argv, "-f", "json")
    assert code == expect, err
    doc: dict[str, Any] = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    return doc


def factor(assessment: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in assessment["risk"]["factors"] if f["id"] == fid)


def test_deepseek_under_the_us_government_profile_fails_and_gets_allowed_alternatives() -> None:
    doc = weighed("deepseek-ai/DeepSeek-V3", "--profile", "us-government", expect=1)
    w = doc["weigh"]
    assert w["task"] == "coding" and w["context"]["sector"] == "government"
    (a,) = w["assessments"]
    assert a["passes_policy"] is False and "developer-organisation" in a["policy_rules"]
    assert {f["id"] for f in a["risk"]["factors"]} == FACTORS  # the total is never shown without its factors
    assert factor(a, "behaviour")["status"] == "unknown" and "behaviour" in a["risk"]["unknown"]
    assert a["risk"]["low"] <= a["risk"]["score"] <= a["risk"]["high"]
    assert factor(a, "developer-jurisdiction")["sources"], "a jurisdiction judgement must cite its facts"
    assert a["capability"]["benchmarks"] and all(b["sources"] for b in a["capability"]["benchmarks"])
    alts = a["alternatives"]
    assert alts, "an allowed alternative exists for a DeepSeek model"
    assert all(not alt["family"].startswith("deepseek") for alt in alts)
    assert all(alt["risk"]["score"] < a["risk"]["score"] for alt in alts[:3])
    assert "replacing deepseek-ai/DeepSeek-V3 with" in alts[0]["summary"]
    failing = {p["family"] for p in w["frontier"] if p["passes_policy"] is False}
    assert not failing & {alt["family"] for alt in alts}, "an alternative must pass the policy"
    assert any(p["in_use"] for p in w["frontier"]) and any(p["on_frontier"] for p in w["frontier"])


def test_exit_zero_and_no_policy() -> None:
    code, _, _ = run("weigh", "deepseek-ai/DeepSeek-V3", "--profile", "us-government", "--exit-zero", "-q",
                     "-f", "json")
    assert code == 0
    doc = weighed("gpt-4o")
    (a,) = doc["weigh"]["assessments"]
    assert a["passes_policy"] is None and doc["policy"] is None
    ep = factor(a, "endpoint")
    assert ep["status"] in ("known", "partial") and "api.openai.com" in ep["reason"], \
        "an API-only model is served by its developer"


def test_the_serving_path_after_at_changes_the_endpoint_factor() -> None:
    doc = weighed("deepseek-ai/DeepSeek-V3", "deepseek-chat@https://api.deepseek.com")
    by_subject = {a["subject"]: a for a in doc["weigh"]["assessments"]}
    local = factor(by_subject["deepseek-ai/DeepSeek-V3"], "endpoint")
    remote = factor(by_subject["deepseek-chat"], "endpoint")
    assert local["value"] == 0 and remote["value"] is not None and remote["value"] >= 0.6
    assert by_subject["deepseek-chat"]["item"] == "deepseek-chat@api.deepseek.com"


@pytest.mark.parametrize(("text", "expected"), [
    ("deepseek-chat@https://api.deepseek.com", ("deepseek-chat", "https://api.deepseek.com")),
    ("qwen2.5-coder:7b@http://localhost:11434", ("qwen2.5-coder:7b", "http://localhost:11434")),
    ("qwen2.5-coder:7b", ("qwen2.5-coder:7b", None)),
    ("org/model@v1.2", ("org/model@v1.2", None)),
])
def test_split_named(text: str, expected: tuple[str, str | None]) -> None:
    assert split_named(text) == expected


def test_an_unknown_model_is_never_low_risk() -> None:
    doc = weighed("acme-internal/zx-9-chat")
    (a,) = doc["weigh"]["assessments"]
    assert a["provenance_status"] == "unknown"
    assert a["risk"]["level"] != "low" and a["risk"]["high"] - a["risk"]["low"] > 0.3
    assert len(a["risk"]["unknown"]) >= 3


def test_saved_scan_fresh_scan_chart_and_other_formats(tmp_path: Path) -> None:
    demo = str(ROOT / "examples" / "demo-app")
    code, saved, err = run("scan", demo, "-f", "json", "-j", "1", "--exit-zero", "-q")
    assert code == 0, err
    (tmp_path / "scan.json").write_text(saved, encoding="utf-8")
    from_saved = weighed("--report", str(tmp_path / "scan.json"), "--exit-zero")
    from_scan = weighed("--scan", demo, "--exit-zero")
    used = {i["id"] for i in json.loads(saved)["inventory"] if not i["docs_only"]}
    for doc in (from_saved, from_scan):
        assert {a["item"] for a in doc["weigh"]["assessments"]} == used
    chart, html = tmp_path / "frontier.svg", tmp_path / "report.html"
    code, _, err = run("weigh", "--scan", demo, "--exit-zero", "--chart", str(chart), "-f", "html", "-o", str(html))
    assert code == 0, err
    svg = ET.parse(chart).getroot()
    assert svg.tag.endswith("svg")
    page = html.read_text(encoding="utf-8")
    assert 'id="weigh"' in page and "<svg" in page
    (tmp_path / "weighed.json").write_text(json.dumps(from_saved), encoding="utf-8")
    code, md, err = run("report", str(tmp_path / "weighed.json"), "-f", "markdown")
    assert code == 0, err
    assert "### Weigh: provenance risk against capability (coding)" in md
    assert from_saved["weigh"]["assessments"][0]["subject"] in md


def test_a_file_with_only_a_weigh_table_sets_the_context(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('from openai import OpenAI\nOpenAI().chat.completions.create('
                                     'model="gpt-4o", messages=[])\n', encoding="utf-8")
    (tmp_path / "upstream.toml").write_text('[weigh]\noperates_in = ["DE", "FR"]\nsector = "regulated"\n'
                                            'monthly_active_users = 800000000\n', encoding="utf-8")
    doc = weighed("--scan", str(tmp_path))
    ctx = doc["weigh"]["context"]
    assert ctx["operates_in"] == ["DE", "FR"] and ctx["sector"] == "regulated"
    assert ctx["monthly_active_users"] == 800000000
    (a,) = doc["weigh"]["assessments"]
    assert a["subject"] == "gpt-4o" and a["passes_policy"] is None  # a [weigh] table alone gates nothing


@pytest.mark.parametrize(("argv", "message"), [
    ([], "nothing to weigh"),
    (["gpt-4o", "--report", "x.json"], "not both"),
    (["--report", "/nonexistent/report.json"], "no such file"),
    (["gpt-4o", "--chart", "/tmp/chart.gif"], ".svg or .png"),
    (["gpt-4o", "--probe", "/nonexistent/run.json"], "run.json"),
    (["gpt-4o", "--task", "poetry"], "poetry"),
    (["gpt-4o", "--alternatives", "-1"], "--alternatives"),
])
def test_bad_input_is_a_clear_usage_error(argv: list[str], message: str) -> None:
    code, out, err = run("weigh", *argv, "-f", "json")
    assert code == 2, (out, err)
    assert message in err and "Traceback" not in err
