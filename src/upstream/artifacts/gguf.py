"""GGUF: a streaming header reader of our own (metadata and tensor table, never the weights).

It reads only the header, in growing chunks up to a hard cap, and keeps what it got when the file
ends early: the first part of a split model or a truncated download still yields its metadata.
Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (little- or big-endian, v1-v3).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from upstream.artifacts.binio import ArtifactError, CapExceeded, HeaderBuffer, Truncated

MAGIC = b"GGUF"
HEADER_CAP = 128 << 20  # metadata + tensor table; real ones are < 30 MiB
MAX_TOKENS = 1 << 22  # vocabularies kept for fingerprinting; larger ones are skipped
MAX_KV = 1 << 20
MAX_TENSORS = 1 << 22
MAX_ARRAY = 1 << 26
MAX_STRING = 64 << 20
KEEP_STRING = 1 << 20  # longer string values are cut (chat templates are well below this)
KEEP_ARRAY = 64  # arrays longer than this are summarised, except the token list
SPLIT_RE = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)

_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9

# ggml tensor types: id -> (name, block size, bytes per block); gguf 0.19.0 GGML_QUANT_SIZES.
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40), 10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110), 22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4), 27: ("I64", 1, 8),
    28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56), 30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17), 40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18),
}

# general.file_type (llama_ftype) -> name; gguf 0.19.0 LlamaFileType.
FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
    37: "TQ2_0", 38: "MXFP4_MOE", 39: "NVFP4", 40: "Q1_0",
}

Value = str | int | float | bool | list["Value"]


@dataclass(frozen=True, slots=True)
class ArraySummary:
    """An array value too long to keep: its element type and length."""

    elem_type: int
    count: int


@dataclass(slots=True)
class GGUFHeader:
    version: int = 0
    big_endian: bool = False
    tensor_count: int = 0
    kv_count: int = 0
    kv: dict[str, Value | ArraySummary] = field(default_factory=dict)
    tokens: list[bytes] | None = None  # tokenizer.ggml.tokens, raw UTF-8, id order
    tokens_declared: int | None = None
    tensors_read: int = 0
    parameters: int = 0
    tensor_types: dict[str, int] = field(default_factory=dict)
    tensor_names: list[str] = field(default_factory=list)  # the first few, for hints
    truncated: str | None = None  # None, "metadata" or "tensors": where the file (or cap) ended
    header_end: int | None = None
    data_end: int | None = None  # where the last tensor's data ends, when every type is known
    file_size: int = 0

    @property
    def weights_complete(self) -> bool | None:
        if self.truncated or self.data_end is None:
            return None if not self.truncated else False
        return self.file_size >= self.data_end

    def get_str(self, key: str) -> str | None:
        v = self.kv.get(key)
        return v if isinstance(v, str) else None

    def get_int(self, key: str) -> int | None:
        v = self.kv.get(key)
        return v if isinstance(v, int) and not isinstance(v, bool) else None


def is_gguf(head: bytes) -> bool:
    return head[:4] == MAGIC


class _Parser:
    def __init__(self, buf: HeaderBuffer) -> None:
        self.buf = buf
        self.off = 0
        self.e = "<"
        self.len_fmt = "Q"
        self.partial_strings: list[bytes] = []

    def unpack(self, fmt: str) -> int | float | bool:
        s = struct.Struct(self.e + fmt)
        self.buf.need(self.off + s.size)
        (v,) = s.unpack_from(self.buf.data, self.off)
        self.off += s.size
        return v  # type: ignore[no-any-return]

    def length(self, cap: int, what: str) -> int:
        n = int(self.unpack(self.len_fmt))
        if n > cap:
            raise ArtifactError(f"absurd {what} length {n}")
        return n

    def raw_string(self, keep: int = KEEP_STRING) -> bytes:
        n = self.length(MAX_STRING, "string")
        end = self.off + n
        self.buf.need(end)
        out = self.buf.data[self.off : self.off + min(n, keep)]
        self.off = end
        return out

    def string(self, keep: int = KEEP_STRING) -> str:
        return self.raw_string(keep).decode("utf-8", errors="replace")

    def string_array(self, count: int, keep: bool) -> list[bytes]:
        """Read `count` strings; hot loop for vocabularies and merges (hundreds of thousands)."""
        out: list[bytes] = []
        lstruct = struct.Struct(self.e + self.len_fmt)
        lsize = lstruct.size
        unpack = lstruct.unpack_from
        buf = self.buf
        data = buf.data
        dlen = len(data)
        off = self.off
        append = out.append
        try:
            for _ in range(count):
                if off + lsize > dlen:
                    buf.need(off + lsize)
                    data = buf.data
                    dlen = len(data)
                (n,) = unpack(data, off)
                off += lsize
                end = off + n
                if end > dlen:
                    if n > MAX_STRING:
                        raise ArtifactError(f"absurd string length {n}")
                    buf.need(end)
                    data = buf.data
                    dlen = len(data)
                if keep:
                    append(data[off:end])
                off = end
        finally:
            self.off = off
            if keep:
                self.partial_strings = out
        return out

    def value(self, vtype: int, depth: int = 0) -> Value | ArraySummary:
        if vtype in _SCALAR:
            return self.unpack(_SCALAR[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            if depth > 2:
                raise ArtifactError("arrays nested too deeply")
            etype = int(self.unpack("I"))
            count = self.length(MAX_ARRAY, "array")
            return self.array(etype, count, depth)
        raise ArtifactError(f"unknown value type {vtype}")

    def array(self, etype: int, count: int, depth: int) -> list[Value] | ArraySummary:
        if etype in _SCALAR:
            s = struct.Struct(self.e + _SCALAR[etype])
            end = self.off + s.size * count
            self.buf.need(end)
            if count > KEEP_ARRAY:
                self.off = end
                return ArraySummary(etype, count)
            items: list[Value] = [s.unpack_from(self.buf.data, self.off + i * s.size)[0] for i in range(count)]
            self.off = end
            return items
        if etype == _STRING:
            keep = count <= KEEP_ARRAY
            got = self.string_array(count, keep)
            if not keep:
                return ArraySummary(etype, count)
            return [b.decode("utf-8", errors="replace")[:4096] for b in got]
        if etype == _ARRAY:
            nested: list[Value] = []
            for _ in range(count):
                v = self.value(_ARRAY, depth + 1)
                if len(nested) < KEEP_ARRAY and not isinstance(v, ArraySummary):
                    nested.append(v)
            return nested if count <= KEEP_ARRAY else ArraySummary(etype, count)
        raise ArtifactError(f"unknown array element type {etype}")


def read_header(fh: object, size: int, cap: int = HEADER_CAP) -> GGUFHeader:
    """Parse a GGUF header from an open binary file. Raises ArtifactError when it is not GGUF at all.

    A file (or cap) that ends inside the header gives a partial result with `truncated` set.
    """
    buf = HeaderBuffer(fh, size, cap)  # type: ignore[arg-type]
    h = GGUFHeader(file_size=size)
    if buf.data[:4] != MAGIC:
        raise ArtifactError("not a GGUF file (bad magic)")
    p = _Parser(buf)
    if len(buf.data) < 8:
        raise Truncated("file ends inside the GGUF preamble")
    (version,) = struct.unpack_from("<I", buf.data, 4)
    if version & 0xFFFF == 0 and version >> 24 in (1, 2, 3):
        p.e, h.big_endian, version = ">", True, version >> 24
    if version not in (1, 2, 3):
        raise ArtifactError(f"unsupported GGUF version {version}")
    h.version = version
    if version == 1:
        p.len_fmt = "I"
    p.off = 8
    try:
        h.tensor_count = int(p.unpack(p.len_fmt))
        h.kv_count = int(p.unpack(p.len_fmt))
    except Truncated:
        h.truncated = "metadata"
        return h
    if h.tensor_count > MAX_TENSORS or h.kv_count > MAX_KV:
        raise ArtifactError(f"absurd counts: {h.tensor_count} tensors, {h.kv_count} metadata keys")
    try:
        for _ in range(h.kv_count):
            key = p.string(keep=4096)
            vtype = int(p.unpack("I"))
            if key == "tokenizer.ggml.tokens" and vtype == _ARRAY:
                etype = int(p.unpack("I"))
                count = p.length(MAX_ARRAY, "array")
                h.tokens_declared = count
                if etype == _STRING:
                    keep = count <= MAX_TOKENS
                    try:
                        got = p.string_array(count, keep=keep)
                    except (Truncated, CapExceeded):
                        h.tokens = p.partial_strings if keep and p.partial_strings else None
                        raise
                    h.tokens = got if keep else None
                    h.kv[key] = ArraySummary(etype, count)
                    continue
                h.kv[key] = p.array(etype, count, 0)
                continue
            h.kv[key] = p.value(vtype)
    except (Truncated, CapExceeded):
        h.truncated = "metadata"
        return h
    alignment = h.get_int("general.alignment") or 32
    spans: list[tuple[int, int]] = []
    try:
        for _ in range(h.tensor_count):
            name = p.string(keep=256)
            n_dims = int(p.unpack("I"))
            if n_dims > 8:
                raise ArtifactError(f"tensor {name!r} has {n_dims} dimensions")
            n = 1
            for _ in range(n_dims):
                n *= int(p.unpack(p.len_fmt))
            ttype = int(p.unpack("I"))
            offset = int(p.unpack("Q"))
            info = GGML_TYPES.get(ttype)
            tname = info[0] if info else f"type{ttype}"
            h.tensor_types[tname] = h.tensor_types.get(tname, 0) + 1
            h.parameters += n
            h.tensors_read += 1
            if len(h.tensor_names) < 64:
                h.tensor_names.append(name)
            if info is not None:
                spans.append((offset, n // info[1] * info[2]))
    except (Truncated, CapExceeded):
        h.truncated = "tensors"
        return h
    h.header_end = p.off
    data_start = -(-p.off // alignment) * alignment
    if len(spans) == h.tensor_count:
        h.data_end = data_start + max((o + s for o, s in spans), default=0)
    return h


def read_file(path: str, cap: int = HEADER_CAP) -> GGUFHeader:
    import os

    with open(path, "rb") as fh:
        return read_header(fh, os.fstat(fh.fileno()).st_size, cap)


def split_parts(name: str) -> tuple[int, int] | None:
    """`model-00002-of-00003.gguf` -> (2, 3)."""
    m = SPLIT_RE.search(name)
    return (int(m.group(1)), int(m.group(2))) if m else None
