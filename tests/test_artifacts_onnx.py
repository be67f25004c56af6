"""ONNX via our own protobuf reader: a hand-encoded model, a large initializer, broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstream.artifacts import ArtifactError, file_card
from upstream.artifacts import onnx as O
from upstream.artifacts import protobuf as PB


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(no: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return _varint(no << 3) + _varint(value)
    raw = value.encode() if isinstance(value, str) else value
    return _varint(no << 3 | 2) + _varint(len(raw)) + raw


def _model(payload_bytes: int = 1 << 20, metadata: dict[str, str] | None = None) -> bytes:
    node = _field(1, "x") + _field(2, "y") + _field(4, "MatMul")
    node2 = _field(1, "y") + _field(2, "z") + _field(4, "GroupQueryAttention") + _field(7, "com.microsoft")
    init = _field(1, 256) + _field(1, 1024) + _field(2, 1) + _field(8, "w") + _field(9, b"\0" * payload_bytes)
    packed_dims = _field(1, _varint(3) + _varint(7)) + _field(2, 1) + _field(8, "b")
    graph = (_field(1, node) + _field(1, node2) + _field(2, "main_graph") + _field(5, init) + _field(5, packed_dims)
             + _field(11, _field(1, "input_ids")))
    opset = _field(1, "") + _field(2, 17)
    props = b"".join(_field(14, _field(1, k) + _field(2, v)) for k, v in (metadata or {}).items())
    return (_field(1, 8) + _field(2, "pytorch") + _field(3, "2.4.0") + _field(5, 1) + _field(7, graph)
            + _field(8, opset) + props)


def test_hand_encoded_model_is_read(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(_model(metadata={"model_name": "Qwen2.5-0.5B-Instruct", "license": "apache-2.0"}))
    info = O.read_file(str(path))
    assert (info.ir_version, info.producer_name, info.producer_version) == (8, "pytorch", "2.4.0")
    assert info.opsets == {"ai.onnx": 17}
    assert info.metadata == {"model_name": "Qwen2.5-0.5B-Instruct", "license": "apache-2.0"}
    assert info.graph_name == "main_graph" and info.nodes == 2 and info.op_types["MatMul"] == 1
    assert info.initializers == 2 and info.parameters == 256 * 1024 + 21
    assert info.inputs == ["input_ids"] and info.complete
    card = file_card(str(path), "model.onnx")
    assert card is not None and card.format == "onnx"
    assert card.identity.family == "qwen" and card.license == "apache-2.0"
    assert card.safety.verdict == "safe" and card.metadata["producer"] == "pytorch 2.4.0"


def test_tensor_payloads_are_skipped_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.onnx"
    path.write_bytes(_model(payload_bytes=8 << 20))
    reads: list[int] = []
    orig = PB.StreamFields.read

    def spy(self: PB.StreamFields, off: int, n: int) -> bytes:
        reads.append(n)
        return orig(self, off, n)

    monkeypatch.setattr(PB.StreamFields, "read", spy)
    info = O.read_file(str(path))
    assert info.parameters == 256 * 1024 + 21
    assert max(reads) < 4096


def test_not_onnx_and_truncated(tmp_path: Path) -> None:
    path = tmp_path / "x.onnx"
    path.write_bytes(b"PK\x03\x04 a zip, not onnx")
    with pytest.raises(ArtifactError):
        O.read_file(str(path))
    path.write_bytes(_field(1, 8) + _field(6, "doc") + bytes([0x3A]))  # field 7 with no length
    info = O.read_file(str(path))
    assert not info.complete and info.doc_string == "doc"
    full = _model()
    path.write_bytes(full[: len(full) // 2])
    info = O.read_file(str(path))
    assert not info.complete and info.producer_name == "pytorch"


def test_wire_format_reader_handles_every_type() -> None:
    data = _field(1, 300) + _field(2, "hi") + bytes([0x1D]) + b"\x00\x00\x80?" + bytes([0x21]) + b"\0" * 8
    got = list(PB.fields(data))
    assert got[0] == (1, 0, 300) and bytes(got[1][2]) == b"hi"
    assert PB.as_float(got[2][2]) == 1.0 and got[3][1] == PB.I64
    with pytest.raises(ArtifactError):
        list(PB.fields(b"\x0b"))  # start-group wire type: not supported
    with pytest.raises(ArtifactError):
        PB.varint(b"\xff" * 11, 0)
