"""Model references in JavaScript and TypeScript SDK calls."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class JavaScriptDetector:
    """Model references in JavaScript and TypeScript SDK calls."""

    id = "javascript"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
