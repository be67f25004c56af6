"""The Report as versioned JSON, its published JSON Schema, and loading a saved report back."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from upstream.models import REPORT_SCHEMA_VERSION, Report


def report_dict(report: Report) -> dict[str, Any]:
    return dataclasses.asdict(report)


def render_json(report: Report, color: bool = False) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the Report (draft 2020-12), generated from the dataclasses."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Report).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://github.com/upstream-ai/upstream/schema/report-{REPORT_SCHEMA_VERSION}.json"
    schema["title"] = f"upstream Report {REPORT_SCHEMA_VERSION}"
    return schema


def load_report(text: str) -> Report:
    """Parse and validate a saved JSON report (raises pydantic.ValidationError when it does not fit)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Report).validate_json(text)
