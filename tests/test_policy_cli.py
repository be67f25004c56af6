"""The policy through the command line: exit statuses, flags, `explain RULE`, `upstream policy`.

These run once the scan command has its policy flags (`--policy`, `--profile`, `--no-policy`); until then
they are skipped, with the reason.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from policy_support import ROOT, cwd

from upstream.cli import main
from upstream.config import ScanConfig

_WIRED = "use_policy" in ScanConfig.__dataclass_fields__
pytestmark = pytest.mark.skipif(not _WIRED, reason="scan has no --policy/--profile/--no-policy flags yet")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with cwd(ROOT):
        code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_example_fails_its_policy_with_exit_1() -> None:
    code, out, err = run("scan", "examples/demo-app", "-f", "json", "-j", "1")
    assert code == 1, err
    doc = json.loads(out)
    assert doc["policy"]["decision"] == "fail" and doc["policy"]["source"] == "examples/demo-app/upstream.toml"
    assert {f["rule"] for f in doc["findings"]} >= {"operator-country", "developer-organisation"}
    assert "policy FAILED" in err


def test_exit_zero_reports_without_failing() -> None:
    code, out, _ = run("scan", "examples/demo-app", "-f", "sarif", "-j", "1", "--exit-zero", "-q")
    assert code == 0 and json.loads(out)["runs"][0]["results"]


def test_no_policy_and_a_passing_profile() -> None:
    code, out, _ = run("scan", "examples/demo-app", "-f", "json", "-j", "1", "--no-policy", "-q")
    assert code == 0 and json.loads(out)["policy"] is None and json.loads(out)["findings"] == []
    code, out, _ = run("scan", "examples/demo-app/app", "-f", "json", "-j", "1", "--profile", "inventory-only", "-q")
    assert code == 0 and json.loads(out)["policy"]["profile"] == "inventory-only"


def test_a_bad_policy_file_is_exit_2_before_scanning(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text('[rules.developer-country]\ncountries = ["China"]\n', encoding="utf-8")
    code, out, err = run("scan", "examples/demo-app", "--policy", str(bad), "-f", "json")
    assert code == 2 and out == "" and "'China' is not an ISO 3166-1 alpha-2 country code" in err
    code, _, err = run("scan", "examples/demo-app", "--profile", "eu")
    assert code == 2 and "no built-in profile 'eu'" in err


def test_explain_prints_a_rules_documentation() -> None:
    code, out, _ = run("explain", "developer-country")
    assert code == 0 and out.startswith("# developer-country") and "## How to fix it" in out


def test_policy_command_is_registered() -> None:
    code, out, _ = run("policy", "check", "examples/demo-app/upstream.toml")
    assert code == 0 and "helpdesk-bot model policy" in out
