"""The built-in plugins, listed explicitly and sorted by id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from upstream.detect import Detector


def _all_detectors() -> list[Detector]:
    from upstream.detect.config_files import ConfigFileDetector
    from upstream.detect.dependencies import DependencyDetector
    from upstream.detect.docs import DocsDetector
    from upstream.detect.dotenv import DotenvDetector
    from upstream.detect.javascript import JavaScriptDetector
    from upstream.detect.model_files import ModelFileDetector
    from upstream.detect.modelfile import ModelfileDetector
    from upstream.detect.notebooks import NotebookDetector
    from upstream.detect.python_code import PythonDetector
    from upstream.detect.shell import ShellDetector

    found: list[Detector] = [
        ConfigFileDetector(), DependencyDetector(), DocsDetector(), DotenvDetector(), JavaScriptDetector(),
        ModelFileDetector(), ModelfileDetector(), NotebookDetector(), PythonDetector(), ShellDetector(),
    ]
    return sorted(found, key=lambda d: d.id)


def detector_ids() -> list[str]:
    return [d.id for d in _all_detectors()]


def detectors(ids: Iterable[str] | None = None) -> Sequence[Detector]:
    """The built-in detectors, optionally only those with the given ids (unknown ids raise KeyError)."""
    every = _all_detectors()
    if ids is None:
        return every
    by_id = {d.id: d for d in every}
    return [by_id[i] for i in ids]
