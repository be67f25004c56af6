"""`upstream schema`: print the JSON Schema of the Report (the same file as schema/report.schema.json)."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from upstream.commands import EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of the JSON report",
                       description="Print the JSON Schema (draft 2020-12) that `-f json` reports follow.")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.report.json_report import report_schema

    stdout.write(json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK
