"""Golden files of the example project: scan it once, render a format, redact what changes run to run.

Regenerate after a reviewed change with `UPSTREAM_UPDATE_GOLDEN=1 pytest tests/test_<format>.py -k golden`,
then read the diff: golden files are reviewed, not rubber-stamped.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
from functools import lru_cache
from pathlib import Path

from upstream.cli import main
from upstream.models import Report
from upstream.report import renderer
from upstream.report.json_report import load_report

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-app"
GOLDEN = Path(__file__).resolve().parent / "golden"
FIXED_TIME = "2000-01-01T00:00:00+00:00"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@lru_cache(maxsize=1)
def demo_report() -> Report:
    """The example project scanned through the CLI and loaded back, as `upstream report` would."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", str(DEMO), "-f", "json", "-j", "1", "--exit-zero"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    report = load_report(out.getvalue())
    return dataclasses.replace(report, generated_at=FIXED_TIME, root="examples/demo-app")


def redact(text: str, report: Report) -> str:
    text = text.replace(str(ROOT), "<REPO>")
    if report.kb_version:
        text = text.replace(report.kb_version, "<KB-VERSION>")
    text = text.replace(report.tool_version, "<TOOL-VERSION>")
    return _UUID.sub("<UUID>", text)


def check_golden(fmt: str, name: str) -> str:
    """Render the demo report in `fmt`, compare with tests/golden/NAME; returns the redacted text."""
    report = demo_report()
    text = redact(renderer(fmt)(report, False), report)
    path = GOLDEN / name
    if os.environ.get("UPSTREAM_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with UPSTREAM_UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} changed: diff it, and if the change is right regenerate it " \
                             "(UPSTREAM_UPDATE_GOLDEN=1) and review the new file"
    return text
