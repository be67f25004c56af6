"""The command line, called as a function: exit codes, where output goes, the published schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from upstream.cli import main
from upstream.report.json_report import load_report, report_schema

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-app"
SCHEMA_FILE = ROOT / "schema" / "report.schema.json"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_schema_file_is_in_step_with_the_code() -> None:
    regenerate = "regenerate: upstream schema > schema/report.schema.json"
    assert json.loads(SCHEMA_FILE.read_text()) == report_schema(), regenerate


def test_json_report_validates_and_loads_back() -> None:
    code, out, err = run("scan", str(DEMO), "-f", "json")
    assert code == 1, "the example policy (examples/demo-app/upstream.toml) fails on the demo's PRC endpoint"
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SCHEMA_FILE.read_text()))
    assert load_report(out).root == str(DEMO)
    assert err.startswith("upstream: ") and "files read" in err


def test_output_file_and_several_formats(tmp_path: Path) -> None:
    code, out, _ = run("scan", str(DEMO), "-f", "json", "-f", "table", "-o", str(tmp_path / "r"), "-q", "--exit-zero")
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "r.json").read_text())["tool"] == "upstream"
    assert (tmp_path / "r.table").read_text().strip()


@pytest.mark.parametrize("argv, needle", [
    (["scan", "/no/such/dir"], "no such file or directory"),
    (["scan", ".", "--bogus"], "unrecognized arguments"),
    (["scan", ".", "--detectors", "python,nope"], "unknown detector(s): nope"),
    (["scan", ".", "--max-file-size", "lots"], "not a size"),
    ([], ""),
])
def test_usage_errors_exit_2(argv: list[str], needle: str) -> None:
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert needle in err


def test_strict_turns_incomplete_into_exit_3(tmp_path: Path) -> None:
    (tmp_path / "llm.yaml").write_text("model: [gpt-4o\n  base_url: x\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, out, _ = run("scan", str(tmp_path), "-f", "json", "--strict")
    assert code == 3
    doc = json.loads(out)
    assert doc["complete"] is False
    assert [(s["path"], s["reason"]) for s in doc["skipped"]] == [("llm.yaml", "parse-error")]
    assert run("scan", str(tmp_path), "-f", "json")[0] == 0
    assert run("scan", str(tmp_path), "-f", "json", "--strict", "--exit-zero")[0] == 0


def test_internal_error_exits_4_with_a_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    import upstream.pipeline

    def explode(config: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(upstream.pipeline, "scan", explode)
    code, _, err = run("scan", str(DEMO))
    assert code == 4 and "internal error" in err and "simulated bug" in err


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "upstream", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("upstream ")


@pytest.mark.parametrize("to_file", [False, True])
def test_a_scan_process_exits_with_its_status_and_all_of_its_output(tmp_path: Path, to_file: bool) -> None:
    """`scan` ends its process without the interpreter's teardown: nothing it wrote may be lost."""
    out = tmp_path / "report.json"
    argv = [sys.executable, "-m", "upstream", "scan", str(DEMO), "-f", "json", *(["-o", str(out)] if to_file else [])]
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 1  # the demo's own policy fails
    report = json.loads(out.read_text(encoding="utf-8") if to_file else proc.stdout)
    assert len(report["inventory"]) >= 4 and report["policy"]["decision"] == "fail"
    assert "model(s) in use" in proc.stderr and "policy FAILED" in proc.stderr
