"""Concrete model identifiers mentioned in README and Markdown documentation."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class DocsDetector:
    """Concrete model identifiers mentioned in README and Markdown documentation."""

    id = "docs"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
