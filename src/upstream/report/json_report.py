"""The Report as versioned JSON (schema: `schema/report.schema.json`)."""

from __future__ import annotations

from upstream.models import Report


def render_json(report: Report, color: bool = False) -> str:
    return report.model_dump_json(indent=2) + "\n"
