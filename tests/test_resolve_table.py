"""The resolution table: references as real projects write them, and the provenance each must get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from upstream.resolve import resolve

TABLE = yaml.safe_load((Path(__file__).parent / "data" / "resolution_table.yaml").read_text(encoding="utf-8"))["rows"]


def test_table_is_large_and_varied() -> None:
    refs = [r["ref"] for r in TABLE]
    assert len(refs) >= 300 and len(set(refs)) == len(refs)
    assert sum(1 for r in TABLE if r.get("hub") == "ollama") >= 50
    assert sum(1 for r in TABLE if r.get("operator")) >= 50
    assert sum(1 for r in TABLE if len(r["roots"]) > 1) >= 10


@pytest.mark.parametrize("row", TABLE, ids=[r["ref"] for r in TABLE])
def test_resolution(row: dict[str, Any]) -> None:
    p = resolve(row["ref"], hub=row.get("hub"))
    assert (p.developer.id if p.developer else None) == row["developer"]
    assert (p.developer.country if p.developer else None) == row["country"]
    assert sorted(r.model for r in p.roots) == row["roots"]
    assert sorted({r.developer.id for r in p.roots if r.developer}) == row["root_developers"]
    assert (p.endpoint.operator_id if p.endpoint else None) == row.get("operator")
    assert p.status == row["status"]
    if p.status == "unknown":
        assert p.tried, "an unknown must say what was tried"
