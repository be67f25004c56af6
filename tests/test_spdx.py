"""SPDX 3.0.1 JSON-LD (AI profile): validated against the official SHACL shapes with pyshacl, offline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import rdflib
from golden_support import check_golden, demo_report
from report_fixtures import HOSTILE, edge_reports, sample_report

from upstream.report.spdx import CONTEXT, render_spdx

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
# What the AI profile requires of an AIPackage beyond the SHACL shapes (SPDX 3.0.1, AI/Classes/AIPackage).
AI_REQUIRED = ("creationInfo", "name", "suppliedBy", "releaseTime", "software_downloadLocation",
               "software_packageVersion", "software_primaryPurpose")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    model = SCHEMAS / "spdx-3.0.1-model.ttl"
    assert model.exists(), f"missing {model}: the SPDX model must sit in ../shared/schemas"
    return rdflib.Graph().parse(model)


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    ctx: dict[str, Any] = json.loads((SCHEMAS / "spdx-3.0.1-context.jsonld").read_text())["@context"]
    return ctx


def conforms(doc: dict[str, Any], shapes: rdflib.Graph, context: dict[str, Any]) -> tuple[bool, str]:
    """SHACL validation with the local copy of the context (the published URL is never fetched)."""
    assert doc["@context"] == CONTEXT
    local = dict(doc, **{"@context": context})
    data = rdflib.Graph().parse(data=json.dumps(local), format="json-ld")
    ok, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=shapes, inference="none",
                                   abort_on_first=False, meta_shacl=False, advanced=True)
    return bool(ok), str(text)


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    out: dict[str, Any] = json.loads(render_spdx(sample_report()))
    return out


def _graph(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in doc["@graph"] if e["type"] == kind]


def _by_name(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(e for e in doc["@graph"] if e.get("name") == name and e["type"] == "ai_AIPackage")


def _rels(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in _graph(doc, "Relationship") if r["relationshipType"] == kind]


def test_sample_conforms_to_the_shacl_shapes(doc: dict[str, Any], shapes: rdflib.Graph,
                                             context: dict[str, Any]) -> None:
    ok, text = conforms(doc, shapes, context)
    assert ok, text


def test_a_real_violation_fails(doc: dict[str, Any], shapes: rdflib.Graph, context: dict[str, Any]) -> None:
    broken = copy.deepcopy(doc)
    del _by_name(broken, "mistral-large-latest")["creationInfo"]
    ok, text = conforms(broken, shapes, context)
    assert not ok and "creationInfo" in text
    broken = copy.deepcopy(doc)
    _rels(broken, "descendantOf")[0]["relationshipType"] = "inspiredBy"
    assert not conforms(broken, shapes, context)[0]


def test_one_ai_package_per_item_with_profile_properties(doc: dict[str, Any]) -> None:
    report = sample_report()
    ids = {e["spdxId"] for e in doc["@graph"] if "spdxId" in e}
    assert len(ids) == len([e for e in doc["@graph"] if "spdxId" in e]), "spdxIds must be unique"
    for item in report.inventory:
        pkg = _by_name(doc, item.model.canonical)
        assert pkg["software_primaryPurpose"] == "model"
        missing = [k for k in AI_REQUIRED if k not in pkg and k != "releaseTime"]
        assert not missing, (item.id, missing)
    gguf = _by_name(doc, "acme/R1-Distill-Llama-8B-GGUF")
    assert gguf["software_packageUrl"].startswith("pkg:huggingface/acme/R1-Distill-Llama-8B-GGUF@0123")
    assert gguf["software_packageVersion"] == "0123456789ABCDEF0123456789abcdef01234567"
    assert "releaseTime" not in gguf  # no release date in the report: none is invented
    agents = {e["spdxId"]: e["name"] for e in _graph(doc, "Agent")}
    assert agents[_by_name(doc, HOSTILE)["suppliedBy"]] == "NOASSERTION"  # a local file: nobody we can name


def test_developer_and_operator_are_organizations(doc: dict[str, Any]) -> None:
    orgs = {e["spdxId"]: e for e in _graph(doc, "Organization")}
    gguf = _by_name(doc, "acme/R1-Distill-Llama-8B-GGUF")
    assert [orgs[x]["name"] for x in gguf["originatedBy"]] == ["DeepSeek"]
    assert orgs[gguf["suppliedBy"]]["name"] == "Hugging Face"
    api = _by_name(doc, "mistral-large-latest")
    avail = [r for r in _rels(doc, "availableFrom") if r["from"] == api["spdxId"]]
    assert [orgs[t]["name"] for t in avail[0]["to"]] == ["Mistral AI"]
    assert "EU (Sweden, France)" in avail[0]["comment"]
    assert "home country FR" in orgs[api["suppliedBy"]]["comment"]


def test_lineage_relationships_reach_both_roots(doc: dict[str, Any]) -> None:
    names = {e["spdxId"]: e.get("name") for e in doc["@graph"] if "spdxId" in e}
    edges = {(names[r["from"]], names[t], r["comment"]) for r in _rels(doc, "descendantOf") for t in r["to"]}
    distill = "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
    assert ("acme/R1-Distill-Llama-8B-GGUF", distill, "quantized") in edges
    assert (distill, "meta-llama/Llama-3.1-8B", "distilled (root)") in edges
    assert (distill, "deepseek-ai/DeepSeek-R1", "distilled (inferred from the name) (root)") in edges


def test_evidence_findings_licence_and_properties(doc: dict[str, Any]) -> None:
    gguf = _by_name(doc, "acme/R1-Distill-Llama-8B-GGUF")
    snippets = {e["spdxId"]: e for e in _graph(doc, "software_Snippet")}
    files = {e["spdxId"]: e["name"] for e in _graph(doc, "software_File")}
    ev = next(r for r in _rels(doc, "hasEvidence") if r["from"] == gguf["spdxId"])
    lines = {(files[snippets[s]["software_snippetFromFile"]], snippets[s]["software_lineRange"]["beginIntegerRange"])
             for s in ev["to"]}
    assert lines == {("app/llm.py", 12), ("models/r1.gguf", 1)}
    notes = [a["statement"] for a in _graph(doc, "Annotation") if a["subject"] == gguf["spdxId"]]
    assert notes == ["[high] developer-country: developed in CN (DeepSeek), lineage root (app/llm.py:12)"]
    lic = next(r for r in _rels(doc, "hasDeclaredLicense") if r["from"] == gguf["spdxId"])
    expr = next(e for e in doc["@graph"] if e.get("spdxId") == lic["to"][0])
    assert expr["simplelicensing_licenseExpression"] == "LicenseRef-llama-3.1"
    props = {(p["extension_cdxPropName"], p["extension_cdxPropValue"])
             for p in gguf["extension"][0]["extension_cdxProperty"]}
    assert ("upstream:developer-country", "CN") in props and ("upstream:operator-country", "local") in props


@pytest.mark.parametrize("name", ["empty", "unresolved"])
def test_empty_and_unresolved_reports_conform(name: str, shapes: rdflib.Graph, context: dict[str, Any]) -> None:
    report = edge_reports()[name]
    doc = json.loads(render_spdx(report))
    ok, text = conforms(doc, shapes, context)
    assert ok, text
    packages = _graph(doc, "ai_AIPackage")
    assert len(packages) == len(report.inventory) and all("originatedBy" not in p for p in packages)


def test_demo_app_golden_conforms_and_is_complete(shapes: rdflib.Graph, context: dict[str, Any]) -> None:
    text = check_golden("spdx", "demo-app.spdx.json")
    doc = json.loads(text.replace("<UUID>", "00000000-0000-4000-8000-000000000000"))
    ok, report = conforms(doc, shapes, context)
    assert ok, report
    for item in demo_report().inventory:  # the embedded knowledge base knows every demo model's release
        pkg = _by_name(doc, item.model.canonical)
        assert not [k for k in AI_REQUIRED if k not in pkg], item.id
