"""Model references in Python source, found by walking its syntax tree."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class PythonDetector:
    """Model references in Python source, found by walking its syntax tree."""

    id = "python"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
