"""Reading a policy: where it is found, what a mistake in it says, and how a profile and a file combine."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.errors import ConfigError
from upstream.policy import find_policy, load_policy, parse_policy
from upstream.policy.config import discover


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error_of(text: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as exc:
        load_policy(write(tmp_path / "upstream.toml", text))
    return str(exc.value)


def test_upstream_toml_at_the_root_is_found_and_read(tmp_path: Path) -> None:
    write(tmp_path / "upstream.toml", '[policy]\nfail_on = "medium"\n[rules.developer-country]\ncountries = ["cn"]\n')
    policy = find_policy(str(tmp_path))
    assert policy is not None and policy.fail_on == "medium"
    assert policy.rules["developer-country"].countries == ("CN",)  # type: ignore[attr-defined]
    assert policy.source == str(tmp_path / "upstream.toml")


def test_tool_upstream_in_pyproject_is_found_when_there_is_no_upstream_toml(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.upstream.rules.unknown-provenance]\n')
    policy = find_policy(str(tmp_path))
    assert policy is not None and "unknown-provenance" in policy.rules
    assert policy.source.endswith("pyproject.toml [tool.upstream]")


def test_no_policy_without_policy_tables(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert find_policy(str(tmp_path)) is None
    write(tmp_path / "upstream.toml", "[scan]\njobs = 2\n")  # scan settings only: no policy, and pyproject ignored
    write(tmp_path / "pyproject.toml", "[tool.upstream.rules.unknown-provenance]\n")
    assert discover(tmp_path) is None


def test_profile_alone_and_profile_under_a_file(tmp_path: Path) -> None:
    alone = find_policy(str(tmp_path), profile="us-government")
    assert alone is not None and alone.source == "profile:us-government"
    assert alone.rules["developer-organisation"].organisations == ("deepseek",)  # type: ignore[attr-defined]
    write(tmp_path / "upstream.toml", '[policy]\nextends = "us-government"\n'
                                      '[rules.developer-country]\nseverity = "high"\n'
                                      '[rules.operator-country]\nenabled = false\n')
    merged = find_policy(str(tmp_path))
    assert merged is not None and merged.profile == "us-government"
    dc = merged.rules["developer-country"]
    assert dc.severity == "high" and dc.countries == ("CN",)  # type: ignore[attr-defined]
    assert merged.rules["operator-country"].enabled is False


def test_unknown_key_names_the_key_and_what_is_allowed(tmp_path: Path) -> None:
    msg = error_of('[rules.developer-country]\ncountries = ["CN"]\nunless_selfhosted = true\n', tmp_path)
    assert "rules.developer-country.unless_selfhosted: unknown key" in msg
    assert "did you mean 'unless_self_hosted'" in msg and "allowed:" in msg


def test_unknown_rule_and_misspelt_table(tmp_path: Path) -> None:
    assert "rules.developer-countries: unknown rule (did you mean 'developer-country'?)" in error_of(
        "[rules.developer-countries]\n", tmp_path)
    msg = error_of('[rule.developer-country]\ncountries = ["CN"]\n', tmp_path)
    assert "unknown key 'rule'" in msg and "did you mean 'rules'" in msg


def test_bad_values_say_what_is_allowed(tmp_path: Path) -> None:
    msg = error_of('[policy]\nfail_on = "severe"\n', tmp_path)
    assert "policy.fail_on" in msg and "'critical'" in msg and "severe" in msg
    msg = error_of('[rules.operator-country]\ncountries = ["China"]\n', tmp_path)
    assert "'China' is not an ISO 3166-1 alpha-2 country code" in msg
    msg = error_of('[rules.operator-country]\ncountries = ["UK"]\n', tmp_path)
    assert "GB" in msg
    msg = error_of("[rules.operator-country]\n", tmp_path)
    assert "rules.operator-country: set `countries`" in msg
    msg = error_of('[rules.developer-organisation]\norganisations = ["deepsek"]\n', tmp_path)
    assert "'deepsek' is not an organisation id" in msg and "did you mean 'deepseek'" in msg
    msg = error_of('[rules.licence-restriction]\nclasses = ["no-eu"]\n', tmp_path)
    assert "rules.licence-restriction.classes[1]" in msg and "territory-exclusion" in msg


def test_ignores_need_a_reason_a_target_and_a_real_rule(tmp_path: Path) -> None:
    msg = error_of('[[ignore]]\nrule = "developer-country"\nmodel = "x"\n', tmp_path)
    assert "ignore[1].reason: required" in msg
    msg = error_of('[[ignore]]\nrule = "developer-country"\nmodel = "x"\nreason = "  "\n', tmp_path)
    assert "needs a reason" in msg
    msg = error_of('[[ignore]]\nrule = "developer-country"\nreason = "accepted by legal"\n', tmp_path)
    assert "needs a target" in msg and "enabled = false" in msg
    msg = error_of('[[ignore]]\nrule = "pinned"\nmodel = "x"\nreason = "r"\n', tmp_path)
    assert "unknown rule 'pinned'" in msg
    msg = error_of('[[ignore]]\nrule = "unknown-provenance"\nmodel = "x"\nreason = "ok then"\nuntil = "next year"\n',
                   tmp_path)
    assert "ignore[1].until" in msg


def test_ignore_dates_accept_toml_dates_and_strings(tmp_path: Path) -> None:
    text = ('[[ignore]]\nrule = "unknown-provenance"\nmodel = "a"\nreason = "ok by legal"\nuntil = 2027-01-31\n'
            '[[ignore]]\nrule = "unknown-provenance"\nmodel = "b"\nreason = "ok by legal"\nuntil = "2027-02-28"\n')
    p = load_policy(write(tmp_path / "p.toml", text))
    assert [ig.until.isoformat() for ig in p.ignores if ig.until] == ["2027-01-31", "2027-02-28"]
    assert p.ignores[1].describe() == "[[ignore]] #2: unknown-provenance (model=b, until 2027-02-28): ok by legal"


def test_broken_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.upstream\n")
    with pytest.raises(ConfigError) as exc:
        find_policy(str(tmp_path))
    assert "pyproject.toml: not valid TOML" in str(exc.value) and "--no-policy" in exc.value.hint


def test_explicit_file_must_exist_and_pyproject_must_have_the_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such policy file"):
        find_policy(str(tmp_path), str(tmp_path / "missing.toml"))
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"has no \[tool.upstream\] table"):
        load_policy(tmp_path / "pyproject.toml")


def test_unknown_profile_lists_the_profiles() -> None:
    with pytest.raises(ConfigError) as exc:
        parse_policy({}, "profile:us-govt", "us-govt")
    assert "did you mean 'us-government'" in str(exc.value) and "inventory-only" in exc.value.hint


def test_the_example_policy_is_valid() -> None:
    root = Path(__file__).resolve().parents[1] / "examples" / "demo-app"
    policy = find_policy(str(root))
    assert policy is not None and policy.title == "helpdesk-bot model policy"
    assert {"developer-country", "operator-country", "data-processing-location"} <= set(policy.rules)
    assert all(ig.reason for ig in policy.ignores)
