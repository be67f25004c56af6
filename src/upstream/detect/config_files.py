"""YAML, TOML, JSON and INI keys that select a model or an endpoint."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class ConfigFileDetector:
    """YAML, TOML, JSON and INI keys that select a model or an endpoint."""

    id = "config"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
