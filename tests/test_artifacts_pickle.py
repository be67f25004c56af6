"""Pickle and PyTorch checkpoints: hostile pickles are built from raw opcodes and never loaded.

Each hostile file only *references* os.system and friends through protocol opcodes; the test
process never unpickles anything (pickle.load / loads are patched to fail while scanning).
"""

from __future__ import annotations

import collections
import io
import pickle
import struct
import zipfile
from pathlib import Path

import pytest

from upstream.artifacts import ArtifactError, file_card
from upstream.artifacts import pickle_scan as P


def _short_unicode(s: str) -> bytes:
    raw = s.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


# os.system("id") with protocol 0 GLOBAL / REDUCE
PROTO0_OS_SYSTEM = b"cos\nsystem\n(S'id'\ntR."
# protocol 4: the names go through the memo before STACK_GLOBAL (what obfuscating tools do)
PROTO4_MEMO = (b"\x80\x04" + _short_unicode("posix") + b"\x94" + _short_unicode("system") + b"\x94"
               + b"0" + b"0" + b"h\x00h\x01\x93" + _short_unicode("id") + b"\x85R.")
# builtins.eval via INST
PROTO0_INST = b"(S'print(1)'\nibuiltins\neval\n."
# subprocess.Popen via STACK_GLOBAL, protocol 2 framing
PROTO2_POPEN = b"\x80\x02" + b"X\x0a\x00\x00\x00subprocess" + b"X\x05\x00\x00\x00Popen" + b"\x93)R."
# STACK_GLOBAL whose operands are not literal strings (computed): hidden on purpose
UNRESOLVED = b"\x80\x04" + b"N" + b"N" + b"\x93)R."
# torch-style tensor rebuild: safe globals only (persistent id for the storage)
TORCH_LIKE = (b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02"
              b"((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00"
              b"\x00cpuq\x06K\x04tq\x07QK\x00K\x04\x85K\x01\x85\x89ccollections\nOrderedDict\nq\x08)Rq\t"
              b"tq\nRq\x0bs.")


@pytest.fixture(autouse=True)
def _never_unpickle(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scanner tried to unpickle")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    monkeypatch.setattr(pickle, "Unpickler", boom)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(("data", "dangerous"), [
    (PROTO0_OS_SYSTEM, ["os.system"]),
    (PROTO4_MEMO, ["posix.system"]),
    (PROTO0_INST, ["builtins.eval"]),
    (PROTO2_POPEN, ["subprocess.Popen"]),
])
def test_hostile_pickles_are_named(tmp_path: Path, data: bytes, dangerous: list[str]) -> None:
    scan = P.scan_file(str(_write(tmp_path, "evil.pkl", data)))
    assert scan.dangerous == dangerous and scan.verdict == "dangerous" and scan.complete
    card = file_card(str(tmp_path / "evil.pkl"), "evil.pkl")
    assert card is not None and card.safety.verdict == "dangerous" and card.safety.executes_code
    assert any(f.id == "unsafe-pickle" and dangerous[0] in f.message for f in card.findings)


def test_computed_import_names_count_as_dangerous(tmp_path: Path) -> None:
    scan = P.scan_file(str(_write(tmp_path, "x.pkl", UNRESOLVED)))
    assert scan.unresolved == 1 and scan.verdict == "dangerous"


def test_plain_data_and_tensor_rebuilds_are_safe(tmp_path: Path) -> None:
    data = pickle.dumps({"a": collections.OrderedDict(x=[1, 2.5, "s", b"b"]), "n": None}, protocol=4)
    scan = P.scan_file(str(_write(tmp_path, "ok.pkl", data)))
    assert scan.verdict == "safe" and scan.globals == ["collections.OrderedDict"]
    scan = P.scan_file(str(_write(tmp_path, "t.pt", TORCH_LIKE)))
    assert scan.verdict == "safe", scan
    assert "torch._utils._rebuild_tensor_v2" in scan.globals and "torch.FloatStorage" in scan.globals


def test_third_party_classes_need_review(tmp_path: Path) -> None:
    data = b"\x80\x04" + _short_unicode("transformers.training_args") + _short_unicode("TrainingArguments") + \
        b"\x93)\x81."
    scan = P.scan_file(str(_write(tmp_path, "args.bin", data)))
    assert scan.verdict == "review" and scan.unknown == ["transformers.training_args.TrainingArguments"]


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_torch_zip_checkpoint(tmp_path: Path) -> None:
    ok = _zip(tmp_path / "pytorch_model.bin", {"archive/data.pkl": TORCH_LIKE, "archive/version": b"3\n",
                                               "archive/data/0": b"\0" * 16})
    card = file_card(str(ok), "pytorch_model.bin")
    assert card is not None and card.format == "pytorch" and card.safety.verdict == "safe"
    evil = _zip(tmp_path / "model.pt", {"archive/data.pkl": PROTO4_MEMO, "archive/version": b"3\n"})
    card = file_card(str(evil), "model.pt")
    assert card is not None and card.safety.verdict == "dangerous"
    assert card.safety.dangerous == ["posix.system"]


def test_torchscript_archives_are_named(tmp_path: Path) -> None:
    path = _zip(tmp_path / "traced.pt", {"traced/data.pkl": TORCH_LIKE, "traced/code/__torch__.py": b"def f(): pass",
                                         "traced/constants.pkl": b"\x80\x02).", "traced/version": b"3\n"})
    scan = P.scan_file(str(path))
    assert scan.format == "torchscript" and any("TorchScript" in n for n in scan.notes)


def test_zip_bomb_member_is_not_inflated(tmp_path: Path) -> None:
    bomb = b"\x80\x02]" + b"(" * 10 + b"\x00" * (40 << 20)
    path = _zip(tmp_path / "bomb.pt", {"archive/data.pkl": bomb}, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 << 20
    scan = P.scan_file(str(path))
    assert not scan.complete and any("zip bomb" in n for n in scan.notes)


def test_zip_with_too_many_entries_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _zip(tmp_path / "many.pt", {f"archive/data/{i}": b"" for i in range(50)} | {"archive/data.pkl": b"N."})
    monkeypatch.setattr(P, "ZIP_MAX_ENTRIES", 20)
    with pytest.raises(ArtifactError, match="refused"):
        P.scan_file(str(path))


def test_legacy_checkpoint_walks_every_pickle_and_stops_at_raw_data(tmp_path: Path) -> None:
    parts = [P.LEGACY_MAGIC, pickle.dumps(1001, protocol=2), pickle.dumps({"little_endian": True}, protocol=2),
             TORCH_LIKE, pickle.dumps(["0"], protocol=2)]
    data = b"".join(parts) + struct.pack("<q", 4) + b"\xff" * 16  # raw storage bytes follow
    scan = P.scan_file(str(_write(tmp_path, "old.pth", data)))
    assert scan.format == "pytorch-legacy" and scan.pickles == 5 and scan.verdict == "safe"


def test_huge_declared_payload_is_skipped_not_read(tmp_path: Path) -> None:
    data = b"\x80\x04\x8e" + struct.pack("<Q", 1 << 40) + b"xx"  # BINBYTES8 of 1 TiB in a 13-byte file
    scan = P.scan_file(str(_write(tmp_path, "big.pkl", data)))
    assert not scan.complete and any("past the end" in n for n in scan.notes)


def test_garbage_is_not_a_pickle(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError):
        P.scan_file(str(_write(tmp_path, "x.pkl", b"\x80\x04\xff\xfe garbage")))
    assert file_card(str(_write(tmp_path, "weights.bin", b"\x00\x01 not a model")), "weights.bin") is None


def test_scanner_streams_from_a_file_object() -> None:
    scan = P.PickleScan()
    P.walk_stream(io.BytesIO(PROTO0_OS_SYSTEM), len(PROTO0_OS_SYSTEM), scan)
    assert scan.dangerous == ["os.system"]
