"""CycloneDX 1.6 ML-BOM: validated with cyclonedx-python-lib's strict validator against the official schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from golden_support import check_golden, demo_report
from report_fixtures import HOSTILE, edge_reports, sample_report

from upstream.report.cyclonedx import render_cyclonedx

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def _valid(text: str) -> dict[str, Any]:
    error = VALIDATOR.validate_str(text)
    assert error is None, f"not valid CycloneDX 1.6: {error}"
    doc: dict[str, Any] = json.loads(text)
    return doc


def _props(obj: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in obj.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


@pytest.fixture(scope="module")
def bom() -> dict[str, Any]:
    return _valid(render_cyclonedx(sample_report()))


def _model(bom: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(c for c in bom["components"] if c["bom-ref"] == ref)


def test_one_ml_component_per_inventory_item(bom: dict[str, Any]) -> None:
    report = sample_report()
    models = [c for c in bom["components"] if c["type"] == "machine-learning-model"]
    assert sorted(c["bom-ref"] for c in models) == sorted(i.id for i in report.inventory)
    assert bom["specVersion"] == "1.6" and bom["serialNumber"].startswith("urn:uuid:")
    assert bom["metadata"]["tools"]["components"][0]["name"] == "upstream"


def test_purl_developer_operator_and_host(bom: dict[str, Any]) -> None:
    gguf = _model(bom, "acme/R1-Distill-Llama-8B-GGUF")
    # purl-spec huggingface: namespace/name as on the Hub, the commit lower-cased
    assert gguf["purl"] == "pkg:huggingface/acme/R1-Distill-Llama-8B-GGUF@0123456789abcdef0123456789abcdef01234567"
    assert gguf["manufacturer"] == {"name": "DeepSeek", "address": {"country": "CN"}}
    assert gguf["supplier"]["name"] == "Hugging Face"  # weights loaded in-process: the hub supplies them
    api = _model(bom, "mistral-large-latest@mistral")
    assert "purl" not in api
    assert api["supplier"]["name"] == "Mistral AI" and api["supplier"]["address"]["country"] == "FR"
    service = next(s for s in bom["services"] if s["bom-ref"] == "service:mistral-large-latest@mistral")
    assert service["endpoints"] == ["https://api.mistral.ai/v1"] and service["x-trust-boundary"] is True
    assert _props(service)["upstream:data-processing"] == ["EU (Sweden, France)"]


def test_lineage_is_pedigree_ancestors_with_relations(bom: dict[str, Any]) -> None:
    ancestors = _model(bom, "acme/R1-Distill-Llama-8B-GGUF")["pedigree"]["ancestors"]
    by_name = {a["name"]: _props(a) for a in ancestors}
    assert by_name["deepseek-ai/DeepSeek-R1-Distill-Llama-8B"]["upstream:relation"] == ["quantized"]
    assert by_name["meta-llama/Llama-3.1-8B"]["upstream:relation"] == ["distilled"]
    assert by_name["deepseek-ai/DeepSeek-R1"]["upstream:inferred"] == ["true"]
    roots = {a["name"]: a["manufacturer"]["address"]["country"] for a in ancestors if "manufacturer" in a}
    assert roots == {"meta-llama/Llama-3.1-8B": "US", "deepseek-ai/DeepSeek-R1": "CN"}


def test_evidence_occurrences_have_file_and_line(bom: dict[str, Any]) -> None:
    occ = _model(bom, "acme/R1-Distill-Llama-8B-GGUF")["evidence"]["occurrences"]
    assert {(o["location"], o["line"]) for o in occ} == {("app/llm.py", 12), ("models/r1.gguf", 1)}
    identity = _model(bom, "mistral-large-latest@mistral")["evidence"]["identity"][0]
    assert identity["field"] == "name" and identity["methods"][0]["technique"] == "source-code-analysis"


def test_model_card_and_upstream_properties(bom: dict[str, Any]) -> None:
    gguf = _model(bom, "acme/R1-Distill-Llama-8B-GGUF")
    card = gguf["modelCard"]
    assert card["modelParameters"]["modelArchitecture"] == "llama"  # read from the GGUF artifact
    assert card["modelParameters"]["datasets"][0]["name"] == "r1-traces"
    risks = card["considerations"]["ethicalConsiderations"]
    assert risks[0]["name"].startswith("[high] developer-country")
    props = _props(gguf)
    assert props["upstream:developer-country"] == ["CN"]
    assert props["upstream:operator-country"] == ["local"]
    assert props["upstream:provenance-status"] == ["known"]
    assert props["upstream:kb-version"] == ["kb-test"]
    assert any(v.startswith("territory-exclusion: ") and "[EU]" in v for v in props["upstream:licence-restriction"])
    assert sorted(props["upstream:root"]) == ["deepseek-ai/DeepSeek-R1 (CN)", "meta-llama/Llama-3.1-8B (US)"]
    api = _props(_model(bom, "mistral-large-latest@mistral"))
    assert api["upstream:operator-country"] == ["FR"]
    assert api["upstream:data-processing"] == ["EU (Sweden, France)"]
    assert api["upstream:finding"] == ["low unpinned-revision: no pinned revision (ignored: API model)"]
    assert "ethicalConsiderations" not in json.dumps(_model(bom, "mistral-large-latest@mistral")["modelCard"])


def test_licence_and_sdk_components(bom: dict[str, Any]) -> None:
    lic = _model(bom, "acme/R1-Distill-Llama-8B-GGUF")["licenses"][0]["license"]
    assert lic["name"] == "Llama 3.1 Community License" and lic["acknowledgement"] == "declared"
    sdk = _model(bom, "sdk:pypi:llama-cpp-python")
    assert sdk["type"] == "library" and sdk["purl"] == "pkg:pypi/llama-cpp-python"
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    assert "acme/R1-Distill-Llama-8B-GGUF" in deps["scanned-root"]


def test_hostile_text_stays_data(bom: dict[str, Any]) -> None:
    assert _model(bom, HOSTILE)["name"] == HOSTILE


def test_same_report_same_bom() -> None:
    assert render_cyclonedx(sample_report()) == render_cyclonedx(sample_report())


def test_validator_rejects_a_broken_bom(bom: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(bom))
    _model(broken, "mistral-large-latest@mistral")["modelCard"]["modelParameters"] = {"approach": {"type": "vibes"}}
    assert VALIDATOR.validate_str(json.dumps(broken)) is not None
    del _model(broken, "mistral-large-latest@mistral")["modelCard"]
    _model(broken, "mistral-large-latest@mistral")["type"] = "ml-model"
    assert VALIDATOR.validate_str(json.dumps(broken)) is not None


@pytest.mark.parametrize("name", ["empty", "unresolved"])
def test_empty_and_unresolved_reports_are_valid(name: str) -> None:
    report = edge_reports()[name]
    bom = _valid(render_cyclonedx(report))
    models = [c for c in bom.get("components", []) if c["type"] == "machine-learning-model"]
    assert len(models) == len(report.inventory)
    assert all("manufacturer" not in m for m in models)  # no provenance: no developer is claimed


def test_demo_app_golden() -> None:
    text = check_golden("cyclonedx", "demo-app.cdx.json")
    doc = _valid(text.replace("<UUID>", "00000000-0000-4000-8000-000000000000"))
    assert len([c for c in doc["components"] if c["type"] == "machine-learning-model"]) == len(
        demo_report().inventory)
