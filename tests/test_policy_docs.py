"""Rule documentation, the ready-made profiles, their sources, and the `upstream policy` command."""

from __future__ import annotations

import argparse
import io
import os
import re
import tomllib
from pathlib import Path

import pytest

from upstream.commands import policy_cmd
from upstream.errors import ConfigError
from upstream.kb.loader import default_kb
from upstream.policy import RULES, parse_policy, profile_names, profile_text, rule_doc
from upstream.policy.docs import reference_markdown
from upstream.policy.processing import documented_ids
from upstream.policy.rules.base import RuleOptions

SECTIONS = ("## What it checks", "## Why it matters", "## How to fix it", "## Options", "## Example", "## Sources")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "policy.md"


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="upstream")
    policy_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    return args.run(args, out, err), out.getvalue(), err.getvalue()


def test_rule_ids_are_stable_kebab_case_and_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(set(ids)) == len(ids) == 12
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", i) for i in ids)
    assert {"developer-country", "lineage-root-country", "operator-country", "data-processing-location",
            "developer-organisation", "licence-not-allowed", "licence-restriction", "unknown-provenance",
            "unpinned-model-revision", "artifact-identity-mismatch", "unsafe-model-format",
            "probe-threshold"} == set(ids)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_documents_what_why_how_options_and_sources(rule: object) -> None:
    doc = rule_doc(rule.id)  # type: ignore[attr-defined]
    assert doc is not None and doc.startswith(f"# {rule.id}\n")  # type: ignore[attr-defined]
    positions = [doc.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    assert f"Default severity: **{rule.default_severity}**" in doc  # type: ignore[attr-defined]
    sources = doc.split("## Sources")[1]
    assert "<https://" in sources, "the rationale of every rule rests on a public source"
    # the example in the documentation is a valid policy
    example = doc.split("```toml\n")[1].split("```")[0]
    parse_policy(tomllib.loads(example), "example.toml")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_option_is_documented(rule: object) -> None:
    doc = rule_doc(rule.id) or ""  # type: ignore[attr-defined]
    for name, field in rule.options.model_fields.items():  # type: ignore[attr-defined]
        if name not in RuleOptions.model_fields:
            assert f"- `{name}` (" in doc and field.description, f"{rule.id}.{name} has no documentation"  # type: ignore[attr-defined]


def test_rule_doc_is_none_for_anything_else() -> None:
    assert rule_doc("deepseek-r1:7b") is None and rule_doc("") is None
    assert rule_doc(" Developer-Country ") is not None


def test_rule_sources_exist_in_the_knowledge_base() -> None:
    known = default_kb().sources
    for rule in RULES:
        missing = [s for s in rule.kb_sources if s not in known]
        assert not missing, f"{rule.id} cites unknown knowledge-base sources {missing}"


@pytest.mark.parametrize("name", profile_names())
def test_every_profile_is_valid_and_says_what_it_reflects(name: str) -> None:
    data = tomllib.loads(profile_text(name))
    about = data["about"]
    assert about["title"] and about["description"] and about["reflects"]
    known = default_kb().sources
    assert all(s in known for s in about["sources"]), f"{name} cites a source the knowledge base lacks"
    policy = parse_policy(data, f"{name}.toml")
    assert policy.rules and policy.title == about["title"]
    if name != "inventory-only":
        assert about["sources"], "a profile that reflects public rules cites them"


def test_profiles_are_the_four_documented_ones() -> None:
    assert profile_names() == ("eu-data-residency", "inventory-only", "known-provenance", "us-government")


def test_inventory_only_never_fails() -> None:
    policy = parse_policy({}, "profile:inventory-only", "inventory-only")
    severities = {o.severity for o in policy.rules.values()} | {
        getattr(o, "review_severity", "info") for o in policy.rules.values()}
    assert severities == {"info"} and policy.fail_on == "critical"


def test_processing_table_matches_the_knowledge_base_text() -> None:
    """The countries the table restates must still be named by the endpoint's documented text."""
    words = {"CN": ("China", "PRC", "cn-", "CN "), "SG": ("Singapore", "ap-southeast"), "NL": ("Amsterdam",)}
    records = {e.id: e for e in default_kb().endpoints.endpoints}
    for endpoint_id, countries in documented_ids().items():
        assert endpoint_id in records, f"{endpoint_id} is no longer in endpoints.yaml"
        text = records[endpoint_id].data_processing or ""
        for c in countries:
            assert any(w in text for w in words[c]), f"{endpoint_id}: {text!r} no longer names {c}"


def test_policy_rules_and_profiles_commands() -> None:
    code, out, _ = run("policy", "rules")
    assert code == 0 and all(r.id in out for r in RULES) and "unsafe-model-format" in out and "critical" in out
    code, out, _ = run("policy", "profiles")
    assert code == 0 and "us-government: US government deployments" in out and "Entity List" in out
    code, out, _ = run("policy", "profile", "eu-data-residency")
    assert code == 0 and out == profile_text("eu-data-residency")
    with pytest.raises(ConfigError, match="no built-in profile"):
        run("policy", "profile", "eu")


def test_policy_check_prints_what_a_file_enforces(tmp_path: Path) -> None:
    (tmp_path / "upstream.toml").write_text('[policy]\nextends = "us-government"\n[rules.operator-country]\n'
                                            'enabled = false\n[[ignore]]\nrule = "developer-country"\n'
                                            'model = "Qwen/*"\nreason = "self-hosted, reviewed"\n', encoding="utf-8")
    code, out, _ = run("policy", "check", "--path", str(tmp_path))
    assert code == 0 and "valid (US government deployments)" in out and "based on profile: us-government" in out
    assert re.search(r"operator-country\s+off", out) and "developer-organisation" in out
    assert "[[ignore]] #1: developer-country (model=Qwen/*): self-hosted, reviewed" in out
    code, _, err = run("policy", "check", "--path", str(tmp_path / "nowhere"))
    assert code == 2 and "no policy" in err


def test_policy_docs_page_has_the_current_rule_reference() -> None:
    """docs/policy.md's rule reference is the rules' own documentation (regenerate: UPSTREAM_UPDATE_GOLDEN=1)."""
    text = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    current = reference_markdown()
    if os.environ.get("UPSTREAM_UPDATE_GOLDEN"):
        DOCS.write_text(head + begin + current + end + tail, encoding="utf-8")
        text = DOCS.read_text(encoding="utf-8")
    assert text.split(begin)[1].split(end)[0] == current, "docs/policy.md's rule reference is out of date"
    for rule in RULES:
        assert f"### `{rule.id}`" in text
    for name in profile_names():
        assert f"**`{name}`**" in text, f"docs/policy.md does not describe the {name} profile"
    assert "## Exit codes" in text and "`--exit-zero`" in text
