"""Detectors: one file in, evidence of model references out.

The core (`upstream.sources` + `upstream.pipeline`) walks the tree and reads each file once, with a
size cap. A detector never opens a path itself: it declares which files it wants (`wants`) and cheap
byte keywords (`keywords`, any of which must occur in the file), and is handed a `FileInput`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from upstream.evidence import Detection

__all__ = ["Detection", "Detector", "FileInput", "ParseError", "Screen"]


class ParseError(Exception):
    """The file is not valid in its own format (broken YAML, JSON, notebook...).

    Raised by a detector; the core records the file as skipped with this reason and goes on.
    """


@dataclass(slots=True)
class FileInput:
    """A file handed to detectors: its path relative to the scan root, its size and its bytes.

    `data` holds at most the core's per-file cap; `head(n)` reads the first n bytes from disk (for
    model files, whose headers are all a detector may look at).
    """

    path: str  # relative to the scanned root, POSIX separators
    abspath: str
    size: int
    data: bytes
    _text: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name
        dot = name.rfind(".")
        return name[dot:].lower() if dot > 0 else ""

    def text(self) -> str:
        """The content decoded as UTF-8 (BOM dropped); raises ParseError for invalid UTF-8."""
        if self._text is None:
            try:
                self._text = self.data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid UTF-8 at byte {exc.start}") from None
        return self._text

    def head(self, n: int) -> bytes:
        """The first n bytes of the file, read from disk (never more than n)."""
        if n <= len(self.data) or len(self.data) >= self.size:
            return self.data[:n]
        fd = os.open(self.abspath, os.O_RDONLY)
        try:
            return os.read(fd, n)
        finally:
            os.close(fd)


@dataclass(frozen=True, slots=True)
class Screen:
    """A cheap superset of the files a detector wants: a lower-case suffix in `suffixes`, or a lower-case base
    name starting with one of `prefixes`. A detector may declare one (`screen = Screen(...)`); the core then
    asks its `wants` only about files that pass, which spares most of 50,000 calls a large tree would cost.
    A detector without one is asked about every file."""

    suffixes: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def admits(self, low_name: str, suffix: str) -> bool:
        return suffix in self.suffixes or low_name.startswith(self.prefixes)


class Detector(Protocol):
    """One kind of evidence. `id` is stable and kebab-case; the docstring's first line describes it."""

    id: str
    keywords: tuple[bytes, ...]  # the file must contain one of these (empty: no keyword gate)

    def wants(self, path: str, name: str, suffix: str) -> bool:
        """Whether this detector looks at files with this relative path / base name / lower suffix."""
        ...

    def detect(self, file: FileInput) -> Iterable[Detection]:
        """Evidence found in the file. Raises ParseError when the file is broken in its own format."""
        ...
