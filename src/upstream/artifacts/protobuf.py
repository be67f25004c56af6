"""A minimal protobuf wire-format reader (no schema, no generated code): enough for ONNX and SentencePiece.

Two ways in: `fields(data)` walks a message held in memory; `StreamFields` walks a message in a
file, reading small fields and seeking past large ones, so a multi-GB ONNX graph is never loaded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from upstream.artifacts.binio import ArtifactError, Truncated

VARINT, I64, LEN, SGROUP, EGROUP, I32 = 0, 1, 2, 3, 4, 5


def varint(data: bytes | memoryview, off: int) -> tuple[int, int]:
    """Decode a varint at `off`; returns (value, next offset)."""
    result = 0
    shift = 0
    while True:
        if off >= len(data):
            raise Truncated("varint runs past the end")
        b = data[off]
        off += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, off
        shift += 7
        if shift > 63:
            raise ArtifactError("varint too long")


def fields(data: bytes | memoryview) -> Iterator[tuple[int, int, int | bytes | memoryview]]:
    """(field number, wire type, value) for each field; LEN values are memoryview slices."""
    off = 0
    n = len(data)
    while off < n:
        key, off = varint(data, off)
        fno, wt = key >> 3, key & 7
        if wt == VARINT:
            v, off = varint(data, off)
            yield fno, wt, v
        elif wt == LEN:
            ln, off = varint(data, off)
            if off + ln > n:
                raise Truncated("length-delimited field runs past the end")
            yield fno, wt, memoryview(data)[off : off + ln]
            off += ln
        elif wt == I64:
            if off + 8 > n:
                raise Truncated("fixed64 runs past the end")
            yield fno, wt, bytes(data[off : off + 8])
            off += 8
        elif wt == I32:
            if off + 4 > n:
                raise Truncated("fixed32 runs past the end")
            yield fno, wt, bytes(data[off : off + 4])
            off += 4
        else:
            raise ArtifactError(f"unsupported wire type {wt}")


def as_float(raw: int | bytes | memoryview) -> float:
    if isinstance(raw, (bytes, memoryview)) and len(raw) == 4:
        return float(struct.unpack("<f", raw)[0])
    raise ArtifactError("not a fixed32 float")


def as_text(raw: int | bytes | memoryview) -> str:
    if isinstance(raw, int):
        raise ArtifactError("expected a string field")
    return bytes(raw).decode("utf-8", errors="replace")


class StreamFields:
    """Walk the top-level fields of a message stored in a file, between `start` and `end`.

    `next()` returns (field, wire type, value, payload offset, payload length); LEN payloads up to
    `keep` bytes are read, larger ones are returned as None and skipped with a seek.
    """

    def __init__(self, fh: BinaryIO, start: int, end: int) -> None:
        self.fh = fh
        self.pos = start
        self.end = end
        self.bytes_read = 0

    def _varint(self) -> int:
        self.fh.seek(self.pos)
        chunk = self.fh.read(10)
        self.bytes_read += len(chunk)
        v, used = varint(chunk, 0)
        self.pos += used
        return v

    def read(self, off: int, n: int) -> bytes:
        self.fh.seek(off)
        data = self.fh.read(n)
        self.bytes_read += len(data)
        if len(data) < n:
            raise Truncated("field runs past the end of the file")
        return data

    def __iter__(self) -> StreamFields:
        return self

    def __next__(self) -> tuple[int, int, int | bytes | None, int, int]:
        if self.pos >= self.end:
            raise StopIteration
        key = self._varint()
        fno, wt = key >> 3, key & 7
        if wt == VARINT:
            return fno, wt, self._varint(), self.pos, 0
        if wt == LEN:
            ln = self._varint()
            start = self.pos
            if start + ln > self.end:
                raise Truncated("length-delimited field runs past the end")
            self.pos = start + ln
            return fno, wt, None, start, ln
        if wt in (I64, I32):
            size = 8 if wt == I64 else 4
            raw = self.read(self.pos, size)
            self.pos += size
            return fno, wt, raw, self.pos - size, size
        raise ArtifactError(f"unsupported wire type {wt}")
