"""The base model (FROM) of an Ollama Modelfile."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class ModelfileDetector:
    """The base model (FROM) of an Ollama Modelfile."""

    id = "ollama-modelfile"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
