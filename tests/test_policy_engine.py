"""The engine: decisions, ignores with reasons and expiry, scopes, docs-only models, fingerprints, apply_policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from policy_support import ALIBABA, DEEPSEEK, DEEPSEEK_API, OLLAMA, TODAY, item, report

from upstream.errors import ConfigError
from upstream.models import Report
from upstream.policy import apply_policy, evaluate, parse_policy

CN_RULES = {"developer-country": {"countries": ["CN"]}}


def policy(rules: dict[str, object] | None = None, ignore: list[dict[str, object]] | None = None,
           **section: object) -> object:
    return parse_policy({"policy": section, "rules": rules or CN_RULES, "ignore": ignore or []}, "test.toml")


def deepseek(where: tuple[tuple[str, int], ...] = (("app/chat.py", 9),), **kw: object) -> object:
    return item("deepseek-chat", endpoint=DEEPSEEK_API, hub="api", developer=DEEPSEEK, where=where, **kw)  # type: ignore[arg-type]


def test_fail_on_decides_which_severities_fail() -> None:
    rep = report(deepseek())
    _, outcome = evaluate(rep, policy(fail_on="high"), today=TODAY)  # type: ignore[arg-type]
    assert outcome.decision == "fail" and outcome.fail_on == "high"
    _, outcome = evaluate(rep, policy({"developer-country": {"countries": ["CN"], "severity": "medium"}}),  # type: ignore[arg-type]
                          today=TODAY)
    assert outcome.decision == "pass"
    _, outcome = evaluate(rep, policy({"developer-country": {"countries": ["CN"], "severity": "medium"}},  # type: ignore[arg-type]
                                      fail_on="medium"), today=TODAY)
    assert outcome.decision == "fail"


def test_a_disabled_rule_reports_nothing() -> None:
    findings, outcome = evaluate(report(deepseek()), policy({"developer-country": {"countries": ["CN"],  # type: ignore[arg-type]
                                                                                   "enabled": False}}), today=TODAY)
    assert findings == [] and outcome.decision == "pass"


def test_an_ignore_with_a_reason_suppresses_and_passes() -> None:
    ig = [{"rule": "developer-country", "model": "DeepSeek-*", "reason": "contract signed with DPA, ticket LEG-12",
           "until": "2027-01-31"}]
    findings, outcome = evaluate(report(deepseek()), policy(ignore=ig), today=TODAY)  # type: ignore[arg-type]
    assert len(findings) == 1 and findings[0].ignored
    assert findings[0].ignore_reason == "contract signed with DPA, ticket LEG-12"
    assert findings[0].ignore_expires == "2027-01-31"
    assert outcome.decision == "pass" and outcome.unused_ignores == [] and outcome.expired_ignores == []


def test_an_expired_ignore_stops_applying_and_is_listed() -> None:
    ig = [{"rule": "developer-country", "model": "deepseek-chat", "reason": "pilot only", "until": "2026-11-30"}]
    findings, outcome = evaluate(report(deepseek()), policy(ignore=ig), today=TODAY)  # type: ignore[arg-type]
    assert not findings[0].ignored and outcome.decision == "fail"
    assert outcome.expired_ignores == ["[[ignore]] #1: developer-country (model=deepseek-chat, until 2026-11-30): "
                                       "pilot only"]
    _, outcome = evaluate(report(deepseek()), policy(ignore=ig), today=date(2026, 11, 30))  # type: ignore[arg-type]
    assert outcome.decision == "pass" and outcome.expired_ignores == []  # the until day itself still counts


def test_unused_ignores_are_listed() -> None:
    ig = [{"rule": "developer-country", "model": "old-model", "reason": "replaced in 2025"},
          {"rule": "unknown-provenance", "model": "deepseek-chat", "reason": "rule not enabled here"}]
    _, outcome = evaluate(report(deepseek()), policy(ignore=ig), today=TODAY)  # type: ignore[arg-type]
    assert len(outcome.unused_ignores) == 2 and "old-model" in outcome.unused_ignores[0]


def test_ignores_by_path_endpoint_and_fingerprint() -> None:
    rep = report(deepseek(where=(("tools/eval.py", 3),)), item("qwen-max", endpoint=DEEPSEEK_API, hub="api",
                                                                 developer=ALIBABA, where=(("app/x.py", 1),)))
    by_path = [{"rule": "developer-country", "path": "tools/*", "reason": "internal eval script"}]
    findings, _ = evaluate(rep, policy(ignore=by_path), today=TODAY)  # type: ignore[arg-type]
    assert [f.model for f in findings if f.ignored] == ["deepseek-chat"]
    by_endpoint = [{"rule": "developer-country", "endpoint": "api.deepseek.com", "reason": "vendor approved"}]
    findings, _ = evaluate(rep, policy(ignore=by_endpoint), today=TODAY)  # type: ignore[arg-type]
    assert all(f.ignored for f in findings) and len(findings) == 2
    fp = findings[1].fingerprint
    by_fp = [{"rule": "developer-country", "fingerprint": fp[:12], "reason": "reviewed: see ADR-7"}]
    findings, _ = evaluate(rep, policy(ignore=by_fp), today=TODAY)  # type: ignore[arg-type]
    assert [f.fingerprint for f in findings if f.ignored] == [fp]


def test_an_ignore_applies_only_to_its_rule() -> None:
    rules = {**CN_RULES, "operator-country": {"countries": ["CN"]}}
    ig = [{"rule": "operator-country", "model": "deepseek-chat", "reason": "we accept the operator"}]
    findings, outcome = evaluate(report(deepseek()), policy(rules, ig), today=TODAY)  # type: ignore[arg-type]
    assert {(f.rule, f.ignored) for f in findings} == {("developer-country", False), ("operator-country", True)}
    assert outcome.decision == "fail"


def test_docs_only_models_never_fail_by_default() -> None:
    rep = report(deepseek(where=(("README.md", 4),), docs_only=True))
    findings, outcome = evaluate(rep, policy(), today=TODAY)  # type: ignore[arg-type]
    assert findings == [] and outcome.decision == "pass"
    findings, outcome = evaluate(rep, policy(include_docs=True), today=TODAY)  # type: ignore[arg-type]
    assert len(findings) == 1 and findings[0].locations[0].path == "README.md" and outcome.decision == "fail"


def test_docs_mentions_are_not_locations_of_a_model_used_in_code() -> None:
    rep = report(deepseek(where=(("README.md", 4), ("app/chat.py", 9))))
    findings, _ = evaluate(rep, policy(), today=TODAY)  # type: ignore[arg-type]
    assert [loc.path for loc in findings[0].locations] == ["app/chat.py"]


def test_paths_scope_a_rule_to_one_product() -> None:
    rules = {"developer-country": {"countries": ["CN"], "paths": ["services/billing/"]}}
    billing = deepseek(where=(("services/billing/llm.py", 5),))
    other = item("qwen-max", endpoint=DEEPSEEK_API, hub="api", developer=ALIBABA, where=(("services/chat/a.py", 1),))
    findings, _ = evaluate(report(billing, other), policy(rules), today=TODAY)  # type: ignore[arg-type]
    assert [f.model for f in findings] == ["deepseek-chat"]
    rules = {"developer-country": {"countries": ["CN"], "exclude_paths": ["services/billing/**"]}}
    findings, _ = evaluate(report(billing, other), policy(rules), today=TODAY)  # type: ignore[arg-type]
    assert [f.model for f in findings] == ["qwen-max"]


def test_fingerprints_survive_line_edits_but_not_a_move_or_another_endpoint() -> None:
    a, _ = evaluate(report(deepseek(where=(("app/chat.py", 9),))), policy(), today=TODAY)  # type: ignore[arg-type]
    b, _ = evaluate(report(deepseek(where=(("app/chat.py", 40),))), policy(), today=TODAY)  # type: ignore[arg-type]
    c, _ = evaluate(report(deepseek(where=(("app/other.py", 9),))), policy(), today=TODAY)  # type: ignore[arg-type]
    local = item("deepseek-chat", endpoint=OLLAMA, hub="api", developer=DEEPSEEK, where=(("app/chat.py", 9),))
    d, _ = evaluate(report(local), policy(), today=TODAY)  # type: ignore[arg-type]
    assert a[0].fingerprint == b[0].fingerprint
    assert len({a[0].fingerprint, c[0].fingerprint, d[0].fingerprint}) == 3
    assert len(a[0].fingerprint) == 64


def test_findings_are_ordered_by_severity_then_rule() -> None:
    rules = {"developer-country": {"countries": ["CN"], "severity": "low"}, "operator-country": {"countries": ["CN"]},
             "unpinned-model-revision": {"severity": "info"}}
    rep = report(deepseek(), item("Qwen/Qwen2.5-7B", developer=ALIBABA))
    findings, _ = evaluate(rep, policy(rules), today=TODAY)  # type: ignore[arg-type]
    assert [(f.severity, f.rule) for f in findings] == [
        ("high", "operator-country"), ("low", "developer-country"), ("low", "developer-country"),
        ("info", "unpinned-model-revision")]


def _tmp_report(root: Path) -> Report:
    rep = report(deepseek(), root=str(root))
    return rep


def test_apply_policy_finds_the_file_at_the_scanned_root(tmp_path: Path) -> None:
    (tmp_path / "upstream.toml").write_text('[rules.developer-country]\ncountries = ["CN"]\n', encoding="utf-8")
    out = apply_policy(_tmp_report(tmp_path), str(tmp_path))
    assert out.policy is not None and out.policy.decision == "fail"
    assert [f.rule for f in out.findings] == ["developer-country"]
    assert out.config["policy"] == str(tmp_path / "upstream.toml")


def test_apply_policy_without_a_policy_leaves_the_report_alone(tmp_path: Path) -> None:
    rep = _tmp_report(tmp_path)
    assert apply_policy(rep, str(tmp_path)) is rep


def test_apply_policy_with_a_profile_and_an_explicit_file(tmp_path: Path) -> None:
    rep = _tmp_report(tmp_path)
    out = apply_policy(rep, str(tmp_path), profile="us-government")
    assert out.policy is not None and out.policy.source == "profile:us-government"
    assert out.policy.decision == "fail"  # DeepSeek, its operator and its processing location
    assert {f.rule for f in out.findings} >= {"developer-organisation", "operator-country", "data-processing-location"}
    other = tmp_path / "team.toml"
    other.write_text('[rules.unknown-provenance]\n', encoding="utf-8")
    out = apply_policy(rep, str(tmp_path), policy_path=str(other))
    assert out.policy is not None and out.policy.decision == "pass" and out.findings == []


def test_apply_policy_raises_config_error_for_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "upstream.toml").write_text('[policy]\nfail_on = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"policy\.fail_on"):
        apply_policy(_tmp_report(tmp_path), str(tmp_path))
