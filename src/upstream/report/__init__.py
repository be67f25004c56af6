"""Output formats: each renders the one Report to text. Modules are imported when their format is used."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not at run time: `upstream scan` imports this before its workers start (upstream.evidence)
    from upstream.models import Report

Renderer = Callable[["Report", bool], str]

# format id -> (module, function); every renderer takes (report, color) and returns the text to write.
_RENDERERS: dict[str, tuple[str, str]] = {
    "json": ("upstream.report.json_report", "render_json"),
    "table": ("upstream.report.table", "render_table"),
    "sarif": ("upstream.report.sarif", "render_sarif"),
    "markdown": ("upstream.report.markdown", "render_markdown"),
    "cyclonedx": ("upstream.report.cyclonedx", "render_cyclonedx"),
    "spdx": ("upstream.report.spdx", "render_spdx"),
    "html": ("upstream.report.html", "render_html"),
}
FORMATS: tuple[str, ...] = tuple(_RENDERERS)


def renderer(fmt: str) -> Renderer:
    """The renderer of a format id (KeyError for an unknown one)."""
    module, name = _RENDERERS[fmt]
    fn: Renderer = getattr(import_module(module), name)
    return fn
