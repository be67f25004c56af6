"""Model and endpoint settings in .env files and their .env.example templates."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class DotenvDetector:
    """Model and endpoint settings in .env files and their .env.example templates."""

    id = "dotenv"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
