"""Bounded reads of file headers: the first bytes of a file, grown on demand, never past a hard cap."""

from __future__ import annotations

import os
from typing import BinaryIO


class ArtifactError(Exception):
    """The file is not valid in the format it claims (wrong magic, absurd declared length)."""


class Truncated(ArtifactError):
    """The file ended before the structure being read did."""


class CapExceeded(ArtifactError):
    """The structure being read is larger than the hard cap we allow for a header."""


class HeaderBuffer:
    """The first bytes of a file, read in growing chunks (1 MiB or a quarter more) as a parser asks for them.

    `need(end)` makes `data` hold at least `end` bytes, or raises Truncated (the file is shorter)
    or CapExceeded (the file is longer, but `end` is past the cap). Nothing beyond the cap is read.
    """

    __slots__ = ("cap", "data", "fh", "size")

    def __init__(self, fh: BinaryIO, size: int, cap: int, first: int = 1 << 20) -> None:
        self.fh = fh
        self.size = size
        self.cap = cap
        self.data = fh.read(min(first, cap, size))

    def need(self, end: int) -> None:
        if end <= len(self.data):
            return
        if end > self.size:
            self._grow(self.size)
            raise Truncated(f"file ends at byte {self.size}, structure needs {end}")
        if end > self.cap:
            raise CapExceeded(f"header larger than the {self.cap >> 20} MiB cap")
        have = len(self.data)
        self._grow(min(max(end, have + max(1 << 20, have >> 2)), self.cap, self.size))

    def _grow(self, target: int) -> None:
        if target <= len(self.data):
            return
        self.fh.seek(len(self.data))
        more = self.fh.read(target - len(self.data))
        self.data += more
        if len(self.data) < target:  # the file shrank while we read it
            self.size = len(self.data)


def file_size(path: str) -> int:
    return os.stat(path).st_size


def read_head(path: str, n: int) -> bytes:
    """At most the first n bytes of a file."""
    with open(path, "rb") as fh:
        return fh.read(n)


def read_capped(path: str, cap: int) -> bytes | None:
    """The whole file when it is at most `cap` bytes, else None (never reads more than cap + 1)."""
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    return None if len(data) > cap else data
