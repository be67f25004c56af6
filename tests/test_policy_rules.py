"""Each rule over hand-built facts: what a team would see reported, and what must pass."""

from __future__ import annotations

from typing import Any

from policy_support import (
    ALIBABA,
    APACHE,
    DASHSCOPE_INTL,
    DEEPSEEK,
    DEEPSEEK_API,
    IN_PROCESS,
    META,
    MISTRAL,
    OLLAMA,
    OPENAI_API,
    TODAY,
    TOGETHER,
    ZHIPU,
    card,
    item,
    report,
    restricted,
    root,
)

from upstream.models import Endpoint, Finding, InventoryItem, LineageEdge, PolicyOutcome
from upstream.policy import ProbeMetric, evaluate, metrics_from_probe_report, parse_policy


def check(rules: dict[str, Any], *items: InventoryItem, artifacts: tuple[Any, ...] = (),
          probes: tuple[ProbeMetric, ...] = (), fail_on: str = "high") -> tuple[list[Finding], PolicyOutcome]:
    policy = parse_policy({"policy": {"fail_on": fail_on}, "rules": rules}, "test.toml")
    return evaluate(report(*items, artifacts=artifacts), policy, probes, today=TODAY)


def models(findings: list[Finding], rule: str | None = None) -> list[str]:
    return sorted(f.model or "" for f in findings if rule is None or f.rule == rule)


# --------------------------------------------------------------------------- countries


def test_developer_country_reports_the_api_model_and_keeps_the_self_hosted_one_for_review() -> None:
    api = item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK, open_weights=False)
    local = item("qwen2.5:7b", endpoint=OLLAMA, hub="ollama", developer=ALIBABA, open_weights=True)
    us = item("gpt-4o", endpoint=OPENAI_API, hub="api", developer=META)
    findings, outcome = check({"developer-country": {"countries": ["cn"], "unless_self_hosted": True,
                                                     "self_hosted_severity": "low"}}, api, local, us)
    by_model = {f.model: f for f in findings}
    assert set(by_model) == {"deepseek-chat", "qwen2.5:7b"}
    assert by_model["deepseek-chat"].severity == "high" and "DeepSeek (CN)" in by_model["deepseek-chat"].message
    assert by_model["qwen2.5:7b"].severity == "low" and "reported for review" in by_model["qwen2.5:7b"].message
    assert outcome.decision == "fail"


def test_self_hosted_exemption_needs_open_weights_and_a_local_endpoint() -> None:
    proxy = item("deepseek-chat", endpoint=OLLAMA, hub="api", developer=DEEPSEEK, open_weights=False)
    unknown_endpoint = item("Qwen/Qwen2.5-7B", developer=ALIBABA, open_weights=True)
    in_process = item("Qwen/Qwen2.5-0.5B", endpoint=IN_PROCESS, developer=ALIBABA, open_weights=True)
    findings, _ = check({"developer-country": {"countries": ["CN"], "unless_self_hosted": True}},
                        proxy, unknown_endpoint, in_process)
    # a local proxy to closed weights is not self-hosting; an unnamed endpoint is not known to be ours
    assert models(findings) == ["Qwen/Qwen2.5-7B", "deepseek-chat"]


def test_allow_list_reports_countries_outside_it_and_unknown_only_on_request() -> None:
    fr = item("mistralai/Mistral-7B", developer=MISTRAL)
    us = item("meta-llama/Llama-3.1-8B", developer=META)
    nobody = item("acme/secret-model", provenance=False)
    findings, _ = check({"developer-country": {"allow": ["EU"]}}, fr, us, nobody)
    assert models(findings) == ["meta-llama/Llama-3.1-8B"]
    findings, _ = check({"developer-country": {"allow": ["EU"], "flag_unknown": True}}, fr, us, nobody)
    assert models(findings) == ["acme/secret-model", "meta-llama/Llama-3.1-8B"]


def test_lineage_root_country_finds_the_foreign_root_of_a_domestic_fine_tune() -> None:
    tune = item("acme/helper-8b", developer=META, roots=[
        root("meta-llama/Llama-3.1-8B", META, "finetune"), root("deepseek-ai/DeepSeek-R1", DEEPSEEK, "distilled")])
    plain = item("Qwen/Qwen2.5-7B", developer=ALIBABA, roots=[root("Qwen/Qwen2.5-7B", ALIBABA)])
    findings, _ = check({"lineage-root-country": {"countries": ["CN"]}}, tune, plain)
    assert models(findings) == ["acme/helper-8b"]  # a model that is its own root is developer-country's job
    assert "deepseek-ai/DeepSeek-R1 by DeepSeek (CN)" in findings[0].message
    assert "Llama" not in findings[0].message


def test_lineage_inferred_from_the_name_only_counts_when_asked() -> None:
    guessed = item("someone/R1-distill-7b", developer=None,
                   lineage=[LineageEdge(child="someone/R1-distill-7b", parent="deepseek-ai/DeepSeek-R1",
                                        relation="distilled", inferred=True)],
                   roots=[root("deepseek-ai/DeepSeek-R1", DEEPSEEK, "distilled")])
    findings, _ = check({"lineage-root-country": {"countries": ["CN"]}}, guessed)
    assert len(findings) == 1 and findings[0].confidence == "medium"
    findings, _ = check({"lineage-root-country": {"countries": ["CN"], "include_inferred": False}}, guessed)
    assert findings == []


def test_operator_country_is_the_endpoint_not_the_developer() -> None:
    qwen_on_together = item("Qwen/Qwen2.5-72B-Instruct", endpoint=TOGETHER, hub="api", developer=ALIBABA)
    llama_on_deepseek = item("some-llama", endpoint=DEEPSEEK_API, hub="api", developer=META)
    local = item("qwen2.5:7b", endpoint=OLLAMA, hub="ollama", developer=ALIBABA)
    findings, _ = check({"operator-country": {"countries": ["CN"]}}, qwen_on_together, llama_on_deepseek, local)
    assert models(findings) == ["some-llama"]
    assert "DeepSeek at api.deepseek.com (CN)" in findings[0].message


def test_operator_parent_country_counts_unless_turned_off() -> None:
    intl = item("qwen-plus", endpoint=DASHSCOPE_INTL, hub="api", developer=ALIBABA)
    findings, _ = check({"operator-country": {"countries": ["CN"]}}, intl)
    assert len(findings) == 1 and "parent company" in findings[0].message
    findings, _ = check({"operator-country": {"countries": ["CN"], "include_parent": False}}, intl)
    assert findings == []


def test_data_processing_location_uses_the_documented_place_not_the_operator() -> None:
    intl = item("qwen-plus", endpoint=DASHSCOPE_INTL, hub="api", developer=ALIBABA)  # parent CN, stores in SG
    ds = item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK)
    oa = item("gpt-4o", endpoint=OPENAI_API, hub="api", developer=META)  # location not documented
    findings, _ = check({"data-processing-location": {"countries": ["CN"]}}, intl, ds, oa)
    assert models(findings) == ["deepseek-chat"]
    findings, _ = check({"data-processing-location": {"allow": ["EU"], "require_documented": True}}, intl, ds, oa)
    by_model = {f.model: f for f in findings}
    assert set(by_model) == {"deepseek-chat", "gpt-4o", "qwen-plus"}
    assert by_model["gpt-4o"].severity == "medium" and "not documented" in by_model["gpt-4o"].message
    assert "SG" in by_model["qwen-plus"].message


def test_data_processing_location_skips_local_endpoints() -> None:
    local = item("qwen2.5:7b", endpoint=OLLAMA, hub="ollama", developer=ALIBABA)
    findings, _ = check({"data-processing-location": {"allow": ["EU"], "require_documented": True}}, local)
    assert findings == []


def test_developer_organisation_by_id_and_by_listing_and_through_roots() -> None:
    glm = item("zai-org/GLM-4.5", developer=ZHIPU)
    ds = item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK)
    tune = item("acme/r1-tune", developer=META, roots=[root("deepseek-ai/DeepSeek-R1", DEEPSEEK, "finetune")])
    findings, _ = check({"developer-organisation": {"listed_on": ["entity list"]}}, glm, ds, tune)
    assert models(findings) == ["zai-org/GLM-4.5"] and "US Commerce Entity List" in findings[0].message
    findings, _ = check({"developer-organisation": {"organisations": ["deepseek"], "include_roots": True}},
                        glm, ds, tune)
    assert models(findings) == ["acme/r1-tune", "deepseek-chat"]


# --------------------------------------------------------------------------- licences


def test_licence_allow_list_reports_other_licences_and_unknown_ones() -> None:
    ok = item("a/apache", licence=APACHE)
    nc = item("b/nc", licence=restricted("cc-by-nc-4.0", "non-commercial"))
    unknown = item("c/none", licence=None)
    findings, _ = check({"licence-not-allowed": {"allow": ["Apache-2.0", "mit"]}}, ok, nc, unknown)
    assert models(findings) == ["b/nc", "c/none"]
    findings, _ = check({"licence-not-allowed": {"deny_categories": ["open-weights-restricted"]}}, ok, nc, unknown)
    assert models(findings) == ["b/nc"]


def test_licence_rules_ignore_other_family_members_licences_unless_asked() -> None:
    # the knowledge base gives a family's other licences (e.g. the 3B's research licence) next to the main one
    family = item("qwen2.5-coder:7b", licence=APACHE, other_licences=[restricted("qwen-research", "non-commercial")],
                  model=None)
    findings, _ = check({"licence-not-allowed": {"allow_categories": ["permissive"]}}, family)
    assert findings == []
    findings, _ = check({"licence-not-allowed": {"allow_categories": ["permissive"], "family_licences": True}}, family)
    assert models(findings) == ["qwen2.5-coder:7b"]


def test_licence_restriction_by_class_and_territory() -> None:
    hunyuan = item("tencent/Hunyuan-A13B", licence=restricted("hunyuan", "territory-exclusion", ("EU", "GB", "KR")))
    llama = item("meta-llama/Llama-3.1-8B", licence=restricted("llama-3.1", "user-cap"))
    findings, _ = check({"licence-restriction": {"classes": ["territory-exclusion"], "territories": ["DE"]}},
                        hunyuan, llama)
    assert models(findings) == ["tencent/Hunyuan-A13B"]  # DE is in the EU the licence excludes
    findings, _ = check({"licence-restriction": {"classes": ["territory-exclusion"], "territories": ["US"]}},
                        hunyuan, llama)
    assert findings == []
    findings, _ = check({"licence-restriction": {"classes": ["user-cap"]}}, hunyuan, llama)
    assert models(findings) == ["meta-llama/Llama-3.1-8B"] and findings[0].severity == "medium"


# --------------------------------------------------------------------------- identity and supply chain


def test_unknown_and_partial_provenance() -> None:
    unknown = item("acme/in-house", status="unknown", developer=None, model=None, tried=["kb", "names"])
    partial = item("qwen3:4b", hub="ollama", status="partial", developer=ALIBABA, family="qwen3", model=None)
    known = item("Qwen/Qwen3-4B", developer=ALIBABA)
    unresolved = item("x/unresolved", provenance=False)
    findings, _ = check({"unknown-provenance": {}}, unknown, partial, known, unresolved)
    assert models(findings) == ["acme/in-house", "qwen3:4b", "x/unresolved"]
    assert any("--no-resolve" in f.message for f in findings)
    findings, _ = check({"unknown-provenance": {"statuses": ["unknown"]}}, unknown, partial, known)
    assert models(findings) == ["acme/in-house"]


def test_unpinned_revision_only_for_hub_downloads() -> None:
    pinned = item("Qwen/Qwen2.5-7B", revision="0123456789abcdef0123456789abcdef01234567")
    floating = item("BAAI/bge-small-en-v1.5")
    api = item("gpt-4o", hub="api")
    ollama = item("llama3:8b", hub="ollama")
    findings, _ = check({"unpinned-model-revision": {}}, pinned, floating, api, ollama)
    assert models(findings) == ["BAAI/bge-small-en-v1.5"] and findings[0].severity == "low"
    findings, _ = check({"unpinned-model-revision": {"hubs": ["huggingface", "ollama"]}}, pinned, floating, ollama)
    assert models(findings) == ["BAAI/bge-small-en-v1.5", "llama3:8b"]


def test_identity_mismatch_and_unsafe_formats_come_from_the_artifact_cards() -> None:
    renamed = card("models/llama-3-8b.gguf", name="llama-3-8b",
                   findings=(("name-tokenizer-mismatch", "its declared name says Llama, its vocabulary is Qwen's"),))
    evil = card("models/model.pkl", fmt="pickle", verdict="dangerous", dangerous=("os.system",))
    odd = card("models/weights.pt", fmt="pytorch", verdict="review",
               findings=(("pickle-imports-code", "loading it imports mylib.Layer"),))
    fine = card("models/ok.safetensors", fmt="safetensors")
    findings, outcome = check({"artifact-identity-mismatch": {}, "unsafe-model-format": {}},
                              artifacts=(renamed, evil, odd, fine))
    got = {(f.rule, f.locations[0].path): f for f in findings}
    assert set(got) == {("artifact-identity-mismatch", "models/llama-3-8b.gguf"),
                        ("unsafe-model-format", "models/model.pkl"), ("unsafe-model-format", "models/weights.pt")}
    assert got[("unsafe-model-format", "models/model.pkl")].severity == "critical"
    assert "os.system" in got[("unsafe-model-format", "models/model.pkl")].message
    assert got[("unsafe-model-format", "models/weights.pt")].severity == "medium"
    assert "mylib.Layer" in got[("unsafe-model-format", "models/weights.pt")].message
    assert outcome.decision == "fail"


# --------------------------------------------------------------------------- behaviour


def _probe_report(model: str, narrative: tuple[float, float, float], sci: tuple[float, float, float]) -> dict[str, Any]:
    def rate(v: tuple[float, float, float]) -> dict[str, Any]:
        return {"x": v[0] * 40, "n": 40, "samples": 40, "value": v[0], "low": v[1], "high": v[2],
                "insufficient": False}

    zero = rate((0.0, 0.0, 0.05))
    return {"fingerprint": {"model": model, "endpoint": "http://localhost:11434/v1"},
            "summary": {"roles": [{"topic": "*", "type": "*", "role": "target", "lang": "en", "non_answer": zero,
                                   "refusal": zero, "deflection": zero, "narrative": rate(narrative),
                                   "omission": zero, "lang_mismatch": zero},
                                  {"topic": "*", "type": "*", "role": "neutral", "lang": "en", "non_answer": zero,
                                   "refusal": zero, "deflection": zero, "narrative": rate((0.9, 0.8, 1.0)),
                                   "omission": zero, "lang_mismatch": zero}],
                        "sci": [{"name": "sci", "scope": "all", "lang": "en", "n": 40, "estimate": sci[0],
                                 "low": sci[1], "high": sci[2], "discordant": [0, 0], "p_value": 0.01,
                                 "insufficient": False}],
                        "language_gap": []}}


def test_probe_threshold_counts_only_breaches_the_interval_supports() -> None:
    qwen = item("qwen2.5:7b", endpoint=OLLAMA, hub="ollama", developer=ALIBABA)
    clear = metrics_from_probe_report(_probe_report("qwen2.5:7b", (0.30, 0.18, 0.45), (0.25, 0.12, 0.38)))
    assert {m.metric for m in clear} >= {"narrative", "sci", "refusal"}
    assert all(m.metric != "narrative" or m.value == 0.30 for m in clear)  # the neutral role is not a target rate
    findings, _ = check({"probe-threshold": {"max": {"narrative": 0.10, "sci": 0.20}}}, qwen, probes=tuple(clear))
    assert len(findings) == 1 and findings[0].model == "qwen2.5:7b"
    assert "narrative" in findings[0].message and "sci" not in findings[0].message  # sci's low bound 0.12 < 0.20
    assert findings[0].locations[0].path == "app/main.py"
    findings, _ = check({"probe-threshold": {"max": {"sci": 0.20}, "bound": "value"}}, qwen, probes=tuple(clear))
    assert len(findings) == 1 and "sci" in findings[0].message


def test_probe_threshold_skips_small_samples_and_reports_unmatched_models() -> None:
    metrics = (ProbeMetric(model="qwen2.5:7b", metric="narrative", lang="en", value=0.5, low=0.3, high=0.7, n=8),
               ProbeMetric(model="other:1b", metric="narrative", lang="en", value=0.5, low=0.3, high=0.7, n=50))
    findings, _ = check({"probe-threshold": {"max": {"narrative": 0.1}, "min_n": 20}}, probes=metrics)
    assert [f.model for f in findings] == ["other:1b"]
    assert "no matching model in the inventory" in findings[0].message and findings[0].locations == []


def test_scan_without_probe_results_gives_the_probe_rule_nothing_to_report() -> None:
    findings, outcome = check({"probe-threshold": {"max": {"narrative": 0.1}}}, item("qwen2.5:7b", hub="ollama"))
    assert findings == [] and outcome.decision == "pass"


def test_endpoint_without_operator_country_is_unknown_not_allowed() -> None:
    nowhere = Endpoint(url="https://llm.example.net/v1", host="llm.example.net")
    it = item("mystery", endpoint=nowhere, hub="api", developer=None)
    findings, _ = check({"operator-country": {"allow": ["US"]}}, it)
    assert findings == []
    findings, _ = check({"operator-country": {"allow": ["US"], "flag_unknown": True}}, it)
    assert len(findings) == 1 and "not known" in findings[0].message
