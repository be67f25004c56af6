"""The whole knowledge base: every record sourced and dated, no dangling parents, no id claimed twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from upstream.kb.countries import is_country
from upstream.kb.loader import KbError, default_kb, load_kb
from upstream.kb.schema import json_schema
from upstream.kb.validate import problems
from upstream.resolve.selfcheck import self_resolution_problems

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "upstream" / "kb" / "data"
SCHEMA_FILE = ROOT / "schema" / "kb" / "knowledge-base-1.0.0.json"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return default_kb()


def test_no_cross_record_problems(kb) -> None:  # type: ignore[no-untyped-def]
    assert problems(kb) == []


def test_every_listed_id_resolves_to_its_own_family(kb) -> None:  # type: ignore[no-untyped-def]
    assert self_resolution_problems(kb) == []


def test_every_record_is_sourced_and_dated(kb) -> None:  # type: ignore[no-untyped-def]
    records = [*kb.organisations.values(), *kb.families.values(), *kb.licences.values(), *kb.measures, *kb.indices]
    for rec in records:
        assert rec.sources, rec
        assert DATE.match(rec.checked), rec
        assert all(s in kb.sources for s in rec.sources), rec
    for b in kb.benchmarks:
        assert b.sources and all(s in kb.sources for s in b.sources), b
    for fam in kb.families.values():
        for m in fam.models:
            for p in m.parents:
                assert p.sources, (m.id, p.model)


def test_every_source_has_an_address_and_a_title(kb) -> None:  # type: ignore[no-untyped-def]
    for sid, src in kb.sources.items():
        assert src.title.strip(), sid
        assert src.url or (src.repo and src.path) or src.note, sid
        assert src.date is None or DATE.match(src.date), sid


def test_countries_are_iso_codes(kb) -> None:  # type: ignore[no-untyped-def]
    for org in kb.organisations.values():
        assert org.country is None or is_country(org.country), org.id
        assert all(is_country(c) for c in org.other_countries), org.id
    for ep in kb.endpoints.endpoints:
        assert ep.operator_country is None or is_country(ep.operator_country), ep.id


def test_unknown_country_is_marked_unverified(kb) -> None:  # type: ignore[no-untyped-def]
    for org in kb.organisations.values():
        if org.country is None and not org.other_countries:
            assert org.unverified, f"{org.id}: null country without an unverified mark"


def test_seed_counts_are_kept(kb) -> None:  # type: ignore[no-untyped-def]
    seed_families = 73
    assert len(kb.families) >= seed_families
    assert len(kb.organisations) >= 37
    assert len(kb.benchmarks) >= 102
    assert len(kb.licences) >= 20


def test_lineage_parents_exist_and_relations_are_known(kb) -> None:  # type: ignore[no-untyped-def]
    ids = {m.id.lower() for f in kb.families.values() for m in f.models}
    for fam in kb.families.values():
        for m in fam.models:
            for p in m.parents:
                if p.model.startswith("family:"):
                    assert p.model[7:] in kb.families
                else:
                    assert p.model.lower() in ids, (m.id, p.model)


def test_published_json_schema_is_in_step_with_pydantic() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == json_schema(), (
        "regenerate with: upstream kb schema -o schema/kb/knowledge-base-1.0.0.json")


def test_every_data_file_validates_against_the_published_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for path in sorted(DATA.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema)


def test_a_broken_record_is_reported_with_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "data"
    (bad / "families").mkdir(parents=True)
    (bad / "families" / "x.yaml").write_text(
        "families:\n- id: x\n  name: X\n  developer: nobody\n  open_weights: true\n"
        "  training_data: {level: unknown}\n  sources: []\n  checked: '2026-11-28'\n", encoding="utf-8")
    with pytest.raises(KbError, match=r"families/x.yaml: families.0.sources"):
        load_kb(bad)


def test_a_dangling_parent_and_a_duplicate_alias_are_problems(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "families").mkdir(parents=True)
    (data / "sources.yaml").write_text("sources:\n  s1: {title: T, kind: news, url: 'https://example.org'}\n",
                                       encoding="utf-8")
    (data / "organisations.yaml").write_text(
        "organisations:\n- {id: o, name: O, country: FR, type: private, sources: [s1], checked: '2026-11-28'}\n",
        encoding="utf-8")
    fam = ("- id: {fid}\n  name: F\n  developer: o\n  open_weights: true\n  training_data: {{level: unknown}}\n"
           "  models:\n  - id: o/{mid}\n    aliases: [shared-alias]\n{parents}"
           "  sources: [s1]\n  checked: '2026-11-28'\n")
    parents = "    parents: [{model: o/missing, relation: finetune, sources: [s1]}]\n"
    (data / "families" / "f.yaml").write_text(
        "families:\n" + fam.format(fid="a", mid="a", parents=parents) + fam.format(fid="b", mid="b", parents=""),
        encoding="utf-8")
    found = problems(load_kb(data))
    assert any("lineage parent 'o/missing'" in p for p in found)
    assert any("'shared-alias' is claimed by a, b" in p for p in found)


def test_kb_version_changes_with_the_data(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    before = load_kb(copy).version
    path = copy / "benchmarks.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_kb(copy).version != before
    assert before == default_kb().version
