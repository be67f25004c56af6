"""Model references in Jupyter notebook code cells (markdown cells as docs)."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class NotebookDetector:
    """Model references in Jupyter notebook code cells (markdown cells as docs)."""

    id = "notebook"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
