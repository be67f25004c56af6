"""The opt-in Hub resolver, with recorded answers replayed from tests/data/hf_hub (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upstream.resolve import resolve
from upstream.resolve.hf_hub import HubCache, enrich, lookup

RECORDED = Path(__file__).parent / "data" / "hf_hub"


class Replay:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, repo_id: str) -> dict[str, Any]:
        self.calls.append(repo_id)
        path = RECORDED / (repo_id.replace("/", "__") + ".json")
        return dict(json.loads(path.read_text(encoding="utf-8")))


def test_declared_base_model_joins_the_offline_lineage(tmp_path: Path) -> None:
    offline = resolve("acme/support-bot-7b")
    assert offline.status == "unknown"
    fetch = Replay()
    p = enrich(offline, fetch=fetch, cache=HubCache(tmp_path))
    assert fetch.calls == ["acme/support-bot-7b"]
    assert p.resolver == "hf-hub" and p.status == "partial"
    assert (p.lineage[0].child, p.lineage[0].parent, p.lineage[0].relation) == (
        "acme/support-bot-7b", "Qwen/Qwen2.5-7B-Instruct", "finetune")
    assert [r.developer.country for r in p.roots if r.developer] == ["CN"]
    assert p.licence is not None and p.licence.id == "apache-2.0"
    assert p.sources[-1].url == "https://huggingface.co/acme/support-bot-7b"


def test_adapter_relation_and_known_licence(tmp_path: Path) -> None:
    p = enrich(resolve("acme/sql-lora"), fetch=Replay(), cache=HubCache(tmp_path))
    assert p.lineage[0].relation == "adapter"
    assert p.roots[0].model == "meta-llama/Llama-3.1-8B-Instruct"


def test_cache_answers_until_it_expires(tmp_path: Path) -> None:
    cache = HubCache(tmp_path, ttl=100)
    fetch = Replay()
    lookup("acme/sql-lora", fetch, cache, now=1000.0)
    lookup("acme/sql-lora", fetch, cache, now=1050.0)
    assert fetch.calls == ["acme/sql-lora"]
    lookup("acme/sql-lora", fetch, cache, now=1200.0)
    assert fetch.calls == ["acme/sql-lora", "acme/sql-lora"]


def test_known_models_never_go_online(tmp_path: Path) -> None:
    def refuse(repo_id: str) -> dict[str, Any]:
        raise AssertionError(f"network asked for {repo_id}")

    p = resolve("Qwen/Qwen2.5-7B-Instruct")
    assert enrich(p, fetch=refuse, cache=HubCache(tmp_path)) is p


def test_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:
    cache = HubCache(tmp_path)
    cache.put("acme/sql-lora", {"id": "acme/sql-lora"})
    next(tmp_path.glob("*.json")).write_text("{not json", encoding="utf-8")
    assert cache.get("acme/sql-lora") is None


def test_default_fetcher_is_not_imported_at_module_load() -> None:
    import sys

    import upstream.resolve.hf_hub  # noqa: F401

    assert "huggingface_hub" not in sys.modules or pytest.skip("huggingface_hub imported by something else")
