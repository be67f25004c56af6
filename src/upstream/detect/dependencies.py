"""AI SDKs declared as dependencies (requirements, pyproject, package.json)."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class DependencyDetector:
    """AI SDKs declared as dependencies (requirements, pyproject, package.json)."""

    id = "sdk-dependencies"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
