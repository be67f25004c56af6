"""`upstream report SAVED.json -f FORMAT`: converts a saved report without rescanning; bad input exits 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from golden_support import demo_report
from report_fixtures import sample_report

from upstream import cli
from upstream.report.json_report import render_json


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(render_json(sample_report()))
    return path


def test_converts_to_cyclonedx_without_rescanning(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import upstream.pipeline

    def no_scan(*a: object, **k: object) -> None:
        raise AssertionError("report must not scan")

    monkeypatch.setattr(upstream.pipeline, "scan", no_scan)
    code, out, err = run("report", str(saved), "-f", "cyclonedx")
    assert code == 0, err
    bom = json.loads(out)
    assert bom["bomFormat"] == "CycloneDX"
    assert {c["name"] for c in bom["components"] if c["type"] == "machine-learning-model"} == {
        i.model.canonical for i in sample_report().inventory}


def test_json_round_trip_is_identical(saved: Path) -> None:
    code, out, _ = run("report", str(saved), "-f", "json")
    assert code == 0 and out == saved.read_text()


def test_several_formats_to_files(saved: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "out" / "bom"
    prefix.parent.mkdir()
    code, out, err = run("report", str(saved), "-f", "spdx", "-f", "html", "-o", str(prefix))
    assert code == 0, err
    assert out == ""
    assert json.loads((tmp_path / "out" / "bom.spdx").read_text())["@graph"]
    assert (tmp_path / "out" / "bom.html").read_text().startswith("<!DOCTYPE html>")


def test_a_scanned_demo_report_converts(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    path.write_text(render_json(demo_report()))
    code, out, err = run("report", str(path), "-f", "html")
    assert code == 0, err
    assert "deepseek-chat" in out


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("{not json", "not JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
    ('["a list"]', "not an upstream JSON report"),
    ('{"tool": "syft", "schema_version": "1.0.0"}', "not an upstream JSON report"),
    ('{"tool": "upstream", "schema_version": "9.0.0"}', "report schema 9.0.0 is not compatible"),
    ('{"tool": "upstream", "schema_version": "1.0.0"}', "does not match report schema 1.0.0"),
])
def test_bad_input_is_a_usage_error(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "saved.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run("report", str(path), "-f", "cyclonedx")
    assert code == 2
    assert out == ""
    assert message in err and "Traceback" not in err
    assert "hint:" in err or content is None


def test_a_report_with_a_wrong_field_names_the_field(saved: Path) -> None:
    doc = json.loads(saved.read_text())
    doc["inventory"][0]["confidence"] = "certain"
    saved.write_text(json.dumps(doc))
    code, _, err = run("report", str(saved), "-f", "spdx")
    assert code == 2 and "inventory.0.confidence" in err


def test_a_folder_is_not_a_report(tmp_path: Path) -> None:
    code, _, err = run("report", str(tmp_path), "-f", "html")
    assert code == 2 and "is a directory" in err and "upstream scan" in err


def test_format_is_required(saved: Path) -> None:
    code, _, err = run("report", str(saved))
    assert code == 2 and "-f/--format" in err
