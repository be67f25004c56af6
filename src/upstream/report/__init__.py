"""Output formats: each renders the one Report to text."""

from __future__ import annotations

from collections.abc import Callable

from upstream.models import Report
from upstream.report.json_report import render_json
from upstream.report.table import render_table

Renderer = Callable[[Report, bool], str]

FORMATS: dict[str, Renderer] = {
    "json": render_json,
    "table": render_table,
}
