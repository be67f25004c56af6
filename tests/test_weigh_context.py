"""The team's context for weighing: read from the policy's [weigh] table, over profiles, with clear mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.errors import ConfigError
from upstream.policy import load_policy, parse_policy, profile_names
from upstream.policy.config import find_policy
from upstream.weigh.context import WeighContext, context_from_policy
from upstream.weigh.risk import FACTOR_IDS


def _write(tmp_path: Path, text: str, name: str = "upstream.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_policy_gives_the_documented_defaults() -> None:
    ctx = context_from_policy(None)
    assert ctx == WeighContext()
    assert ctx.task == "coding" and ctx.operates_in == () and ctx.unknown_as == 0.5 and ctx.profile is None
    assert set(ctx.weights) == set(FACTOR_IDS) and all(w > 0 for w in ctx.weights.values())
    assert context_from_policy(None, task="general").task == "general"


def test_a_weigh_table_in_upstream_toml(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[rules.developer-country]
countries = ["CN"]

[weigh]
task = "general"
operates_in = ["de", "US"]
sector = "finance"
data_sensitivity = "personal"
monthly_active_users = 2_500_000
uses = ["commercial", "hosted service"]
unknown_as = 0.8

[weigh.weights]
endpoint = 3.0
transparency = 0
""")
    ctx = context_from_policy(load_policy(path))
    assert ctx.task == "general" and ctx.operates_in == ("DE", "US") and ctx.sector == "finance"
    assert ctx.data_sensitivity == "personal" and ctx.monthly_active_users == 2_500_000
    assert ctx.uses == ("commercial", "hosted-service") and ctx.unknown_as == 0.8
    assert ctx.weight("endpoint") == 3.0 and ctx.weight("transparency") == 0.0
    assert ctx.weight("licence") == 0.75, "factors the table leaves out keep their default weight"
    assert context_from_policy(load_policy(path), task="coding").task == "coding", "the command line wins"
    shown = ctx.as_dict()
    assert shown["operates_in"] == ["DE", "US"] and shown["monthly_active_users"] == 2_500_000
    assert "weights" not in shown


def test_pyproject_tool_upstream_weigh(tmp_path: Path) -> None:
    _write(tmp_path, '[project]\nname = "x"\n\n[tool.upstream.rules.unknown-provenance]\n\n'
                     '[tool.upstream.weigh]\noperates_in = ["EU"]\n', "pyproject.toml")
    policy = find_policy(str(tmp_path))
    assert policy is not None and context_from_policy(policy).operates_in == ("EU",)


def test_profiles_carry_their_context_and_a_file_refines_it(tmp_path: Path) -> None:
    gov = context_from_policy(parse_policy({}, "profile:us-government", "us-government"))
    assert gov.sector == "government" and gov.operates_in == ("US",) and gov.profile == "us-government"
    assert gov.weight("developer-jurisdiction") > WeighContext().weight("developer-jurisdiction")
    eu = context_from_policy(parse_policy({}, "profile:eu-data-residency", "eu-data-residency"))
    assert eu.operates_in == ("EU",) and eu.data_sensitivity == "personal"
    path = _write(tmp_path, '[policy]\nextends = "us-government"\n\n[weigh]\nsector = "defence"\n\n'
                            '[weigh.weights]\nlicence = 2.0\n')
    merged = context_from_policy(load_policy(path))
    assert merged.sector == "defence" and merged.operates_in == ("US",), "the profile's keys stay unless overridden"
    assert merged.weight("licence") == 2.0 and merged.weight("endpoint") == gov.weight("endpoint")


@pytest.mark.parametrize("name", profile_names())
def test_every_profile_gives_a_valid_context(name: str) -> None:
    ctx = context_from_policy(parse_policy({}, f"profile:{name}", name))
    assert ctx.profile == name and any(w > 0 for w in ctx.weights.values())


@pytest.mark.parametrize(("table", "says"), [
    ('sectr = "government"', "weigh.sectr: unknown key (did you mean 'sector'?)"),
    ('operates_in = ["UK"]', "the United Kingdom is GB"),
    ('operates_in = ["XX"]', "'XX' is not an ISO 3166-1 alpha-2 country code"),
    ('sector = "govt"', "weigh.sector"),
    ('data_sensitivity = "secret"', "weigh.data_sensitivity"),
    ('uses = ["survailance"]', "unknown use 'survailance' (did you mean 'surveillance'?)"),
    ("monthly_active_users = -1", "weigh.monthly_active_users"),
    ("unknown_as = 1.5", "weigh.unknown_as"),
    ("[weigh.weights]\nlicnce = 1", "unknown factor 'licnce' (did you mean 'licence'?)"),
    ("[weigh.weights]\nendpoint = -1", "the weight of 'endpoint' must be a finite number >= 0"),
    ("[weigh.weights]\n" + "\n".join(f"{f} = 0" for f in FACTOR_IDS), "at least one factor needs a weight"),
])
def test_mistakes_in_the_weigh_table_are_policy_errors(tmp_path: Path, table: str, says: str) -> None:
    path = _write(tmp_path, f"[weigh]\n{table}\n")
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert says in str(err.value)


def test_weigh_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="weigh: must be a table"):
        load_policy(_write(tmp_path, 'weigh = "strict"\n'))


def test_a_bad_task_is_named() -> None:
    with pytest.raises(ConfigError, match="task"):
        context_from_policy(None, task="Not A Task!")
