"""Model references in Dockerfiles and shell commands (vllm serve, ollama pull, ...)."""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput


class ShellDetector:
    """Model references in Dockerfiles and shell commands (vllm serve, ollama pull, ...)."""

    id = "shell"
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return False

    def detect(self, file: FileInput) -> Iterator[Detection]:
        yield from ()
