"""The pre-validated KB snapshot: same records as the validated YAML, never used when stale or damaged."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from upstream.kb import loader, snapshot
from upstream.kb.loader import KbError, KnowledgeBase, load_default_kb, load_kb, sources_digest
from upstream.kb.schema import Family, ModelRecord, Parent
from upstream.models import Relation

REGENERATE = f"the KB snapshot is stale: run `{snapshot.REBUILD_COMMAND}` and commit src/upstream/kb/snapshot.json"


def _packaged() -> bytes:
    return resources.files("upstream.kb").joinpath(snapshot.FILE_NAME).read_bytes()


@pytest.fixture(scope="module")
def fresh() -> bytes:
    """A snapshot written now from the YAML: the mechanism is tested on it, the shipped file only for being current."""
    return snapshot.encode(load_kb(), sources_digest()).encode("utf-8")


@pytest.fixture
def use_fresh(fresh: bytes, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setattr(snapshot, "read_packaged", lambda digest: snapshot.read(fresh, digest))
    return fresh


def _same(a: Any, b: Any, where: str = "kb") -> None:
    """Deep equality that also requires the same types (float is not int, tuple is not list), the same
    key order, and for records the same set fields."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, f"{where}: fields set differ"
        assert list(a.__dict__) == list(b.__dict__), f"{where}: field order differs"
        for k in a.__dict__:
            _same(a.__dict__[k], b.__dict__[k], f"{where}.{k}")
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys differ"
        for k in a:
            _same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _yaml_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each YAML load made through the loader."""
    calls: list[str] = []
    real = loader._from_yaml

    def spy(files: list[tuple[str, bytes]], digest: str) -> KnowledgeBase:
        calls.append(digest)
        return real(files, digest)

    monkeypatch.setattr(loader, "_from_yaml", spy)
    return calls


def test_committed_snapshot_is_up_to_date(fresh: bytes) -> None:
    assert _packaged() == fresh, REGENERATE


def test_default_kb_comes_from_the_snapshot(use_fresh: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _yaml_only(monkeypatch)
    kb = load_default_kb()
    assert calls == [], "the snapshot was not used"
    assert kb.version == load_kb().version


def test_snapshot_records_equal_the_validated_yaml(fresh: bytes) -> None:
    validated = load_kb()
    fields = snapshot.read(fresh, sources_digest())
    assert fields is not None
    fast = KnowledgeBase(version=validated.version, **fields)
    for f in dataclasses.fields(KnowledgeBase):
        _same(getattr(fast, f.name), getattr(validated, f.name), f.name)
    assert fast == validated
    dumps = [(r.model_dump(), s.model_dump()) for table in ("sources", "organisations", "families", "licences")
             for r, s in zip(getattr(fast, table).values(), getattr(validated, table).values(), strict=True)]
    dumps += [(r.model_dump(), s.model_dump()) for table in ("measures", "indices", "benchmarks")
              for r, s in zip(getattr(fast, table), getattr(validated, table), strict=True)]
    dumps.append((fast.endpoints.model_dump(), validated.endpoints.model_dump()))
    assert len(dumps) > 300
    assert all(a == b for a, b in dumps)


def test_snapshot_records_behave_like_validated_ones(use_fresh: bytes) -> None:
    kb, validated = load_default_kb(), load_kb()
    derived = [(f, i) for f in kb.families.values() for i, m in enumerate(f.models) if m.parents]
    assert derived, "the KB has lineage edges"
    family, i = derived[0]
    edge = family.models[i].parents[0]
    assert isinstance(family, Family) and isinstance(family.models[i], ModelRecord) and isinstance(edge, Parent)
    assert edge.relation in get_args(Relation) and edge.sources
    assert edge == validated.families[family.id].models[i].parents[0]
    assert hash(family.training_data) == hash(validated.families[family.id].training_data)
    assert family.match == validated.families[family.id].match and family.training_data.level
    with pytest.raises(ValidationError):  # still frozen
        family.name = "changed"  # type: ignore[misc]
    assert Family.model_validate(family.model_dump()) == family  # and still validates like any other


def test_an_edited_yaml_file_is_loaded_and_validated_instead(use_fresh: bytes, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = load_kb().version
    data = tmp_path / "data"
    shutil.copytree(Path(str(loader.data_root())), data)
    monkeypatch.setattr(loader, "data_root", lambda: data)
    calls = _yaml_only(monkeypatch)
    assert load_default_kb().version == shipped and calls == []  # an unedited copy: the snapshot serves it

    orgs = data / "organisations.yaml"
    text = orgs.read_text(encoding="utf-8")
    assert "  name: " in text
    orgs.write_text(text.replace("  name: ", "  name: Edited ", 1), encoding="utf-8")
    kb = load_default_kb()
    assert calls, "a stale snapshot must not be used"
    assert kb.version == load_kb(data).version != shipped
    assert any(o.name.startswith("Edited ") for o in kb.organisations.values())

    orgs.write_text(text.replace("checked: ", "checked: not-a-date # ", 1), encoding="utf-8")
    with pytest.raises(KbError, match=r"organisations\.yaml"):
        load_default_kb()


def _tampered(good: bytes, body: bytes, fix_hash: bool) -> bytes:
    head, _, _ = good.partition(b"\n")
    header = json.loads(head)
    if fix_hash:
        header["records_sha256"] = hashlib.sha256(body).hexdigest()
    return json.dumps(header).encode() + b"\n" + body + b"\n"


def _without_a_required_field(good: bytes) -> bytes:
    records = json.loads(good.partition(b"\n")[2])
    first = next(iter(records["families"].values()))
    del first["developer"]
    return json.dumps(records).encode()


@pytest.mark.parametrize("damage", [
    lambda good: b"",
    lambda good: b"\x80\x81 not json\n{}",
    lambda good: good[: len(good) // 2],
    lambda good: good.replace(b'"name":"', b'"name":"X', 1),  # edited by hand: the records hash no longer matches
    lambda good: _tampered(good, b'{"families": 1}', fix_hash=True),
    lambda good: _tampered(good, b"[]", fix_hash=True),
    lambda good: _tampered(good, _without_a_required_field(good), fix_hash=True),
    lambda good: good.replace(b'"format": 1', b'"format": 99', 1),
], ids=["empty", "binary", "truncated", "hand-edited", "wrong-shape", "not-an-object", "missing-field",
        "other-format"])
def test_a_damaged_snapshot_falls_back_to_the_yaml(damage: Any, fresh: bytes, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert snapshot.read(fresh, sources_digest()) is not None
    bad = damage(fresh)
    assert snapshot.read(bad, sources_digest()) is None
    monkeypatch.setattr(snapshot, "read_packaged", lambda digest: snapshot.read(bad, digest))
    calls = _yaml_only(monkeypatch)
    assert load_default_kb() == load_kb()
    assert calls
    out = capsys.readouterr()
    assert out.out == out.err == ""


def test_a_missing_snapshot_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "FILE_NAME", "no-such-snapshot.json")
    calls = _yaml_only(monkeypatch)
    assert load_default_kb() == load_kb()
    assert calls


def test_a_code_change_makes_the_snapshot_stale(fresh: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert snapshot.read(fresh, sources_digest()) is not None
    monkeypatch.setattr(snapshot, "code_digest", lambda: "0" * 64)
    assert snapshot.read(fresh, sources_digest()) is None


def test_load_kb_always_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _yaml_only(monkeypatch)
    load_kb()
    load_kb(Path(str(loader.data_root())))
    assert len(calls) == 2
