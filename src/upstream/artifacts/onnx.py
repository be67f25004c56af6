"""ONNX: producer, opsets, `metadata_props` and a bounded look at the graph, with our own protobuf reader.

ModelProto fields (onnx/onnx.proto): 1 ir_version, 2 producer_name, 3 producer_version, 4 domain,
5 model_version, 6 doc_string, 7 graph, 8 opset_import, 14 metadata_props. The graph (which may
hold gigabytes of initializer data) is walked field by field with seeks; tensor payloads are never
read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import BinaryIO

from upstream.artifacts import protobuf
from upstream.artifacts.binio import ArtifactError, Truncated

SMALL_FIELD = 1 << 20  # top-level strings and small messages read whole
MAX_NODES = 500_000
MAX_INITIALIZERS = 500_000
MAX_GRAPH_READ = 64 << 20  # bytes of graph structure we read before stopping the walk
_VALID_TOP = {1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2}  # field -> wire type


@dataclass(slots=True)
class OnnxInfo:
    ir_version: int | None = None
    producer_name: str | None = None
    producer_version: str | None = None
    domain: str | None = None
    model_version: int | None = None
    doc_string: str | None = None
    opsets: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    graph_name: str | None = None
    nodes: int = 0
    op_types: dict[str, int] = field(default_factory=dict)
    initializers: int = 0
    parameters: int = 0
    external_data: bool = False
    inputs: list[str] = field(default_factory=list)
    complete: bool = True
    notes: list[str] = field(default_factory=list)


def _text(raw: bytes, limit: int = 4096) -> str:
    return raw[:limit].decode("utf-8", errors="replace")


def _small(stream: protobuf.StreamFields, off: int, ln: int, limit: int = SMALL_FIELD) -> bytes | None:
    return stream.read(off, ln) if ln <= limit else None


def _tensor(stream: protobuf.StreamFields, off: int, ln: int, info: OnnxInfo) -> None:
    """An initializer: dims (1), data_location (14) and external_data (13); payloads skipped."""
    n = 1
    dims_seen = False
    for fno, wt, val, foff, fln in protobuf.StreamFields(stream.fh, off, off + ln):
        if fno == 1:
            dims_seen = True
            if wt == protobuf.VARINT and isinstance(val, int):
                n *= val
            elif wt == protobuf.LEN and fln <= 1024:
                packed = stream.read(foff, fln)
                pos = 0
                while pos < len(packed):
                    d, pos = protobuf.varint(packed, pos)
                    n *= d
        elif fno in (13, 14) and (wt == protobuf.LEN or (isinstance(val, int) and val == 1)):
            info.external_data = True
    if dims_seen:
        info.parameters += n


def _graph(fh: BinaryIO, start: int, end: int, info: OnnxInfo) -> None:
    stream = protobuf.StreamFields(fh, start, end)
    for fno, wt, _val, off, ln in stream:
        if stream.bytes_read > MAX_GRAPH_READ:
            info.complete = False
            info.notes.append("graph walk stopped at the read cap")
            return
        if wt != protobuf.LEN:
            continue
        if fno == 1:  # NodeProto
            info.nodes += 1
            if info.nodes > MAX_NODES:
                info.complete = False
                info.notes.append(f"more than {MAX_NODES} nodes; walk stopped")
                return
            for f2, w2, _v2, o2, l2 in protobuf.StreamFields(fh, off, off + ln):
                if f2 == 4 and w2 == protobuf.LEN and l2 <= 256:
                    op = _text(stream.read(o2, l2))
                    if len(info.op_types) < 500 or op in info.op_types:
                        info.op_types[op] = info.op_types.get(op, 0) + 1
                    break
        elif fno == 2 and ln <= 4096:
            info.graph_name = _text(stream.read(off, ln))
        elif fno == 5:  # TensorProto initializer
            info.initializers += 1
            if info.initializers > MAX_INITIALIZERS:
                info.complete = False
                info.notes.append(f"more than {MAX_INITIALIZERS} initializers; walk stopped")
                return
            _tensor(stream, off, ln, info)
        elif fno == 11 and len(info.inputs) < 32 and ln <= 65536:
            raw = stream.read(off, ln)
            for f2, w2, v2 in protobuf.fields(raw):
                if f2 == 1 and w2 == protobuf.LEN:
                    info.inputs.append(protobuf.as_text(v2))
                    break


def read_file(path: str) -> OnnxInfo:
    """Read an ONNX model's header fields and walk its graph. Raises ArtifactError when it is not ONNX."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(2)
        if len(head) < 2 or head[0] != 0x08:  # ir_version, field 1 varint, always written first
            raise ArtifactError("not an ONNX model (no ir_version first)")
        info = OnnxInfo()
        stream = protobuf.StreamFields(fh, 0, size)
        graph: tuple[int, int] | None = None
        try:
            for fno, wt, val, off, ln in stream:
                if _VALID_TOP.get(fno, wt) != wt:
                    raise ArtifactError(f"field {fno} has wire type {wt}: not an ONNX model")
                if fno == 1 and isinstance(val, int):
                    info.ir_version = val
                elif fno == 5 and isinstance(val, int):
                    info.model_version = val
                elif fno in (2, 3, 4, 6) and wt == protobuf.LEN:
                    raw = _small(stream, off, ln)
                    if raw is not None:
                        text = _text(raw)
                        if fno == 2:
                            info.producer_name = text
                        elif fno == 3:
                            info.producer_version = text
                        elif fno == 4:
                            info.domain = text
                        else:
                            info.doc_string = text[:500]
                elif fno == 7:
                    graph = (off, off + ln)
                elif fno == 8 and ln <= 4096:
                    dom, ver = "", 0
                    for f2, _w2, v2 in protobuf.fields(stream.read(off, ln)):
                        if f2 == 1 and not isinstance(v2, int):
                            dom = protobuf.as_text(v2)
                        elif f2 == 2 and isinstance(v2, int):
                            ver = v2
                    info.opsets[dom or "ai.onnx"] = ver
                elif fno == 14 and ln <= SMALL_FIELD and len(info.metadata) < 256:
                    key, value = "", ""
                    for f2, _w2, v2 in protobuf.fields(stream.read(off, ln)):
                        if f2 == 1 and not isinstance(v2, int):
                            key = protobuf.as_text(v2)
                        elif f2 == 2 and not isinstance(v2, int):
                            value = protobuf.as_text(v2)[:4096]
                    if key:
                        info.metadata[key] = value
        except Truncated as exc:
            info.complete = False
            info.notes.append(f"file is truncated: {exc}")
        if info.ir_version is None:
            raise ArtifactError("not an ONNX model (no ir_version)")
        if graph is not None:
            try:
                _graph(fh, graph[0], graph[1], info)
            except (Truncated, ArtifactError) as exc:
                info.complete = False
                info.notes.append(f"graph: {exc}")
    return info
