"""Opt-in online resolver (`--online`): ask the Hugging Face Hub what a model card declares.

Only for references the knowledge base does not fully know. Reads `base_model`, `base_model_relation`,
`license` and the author from the model card, caches answers on disk with an expiry, and resolves the
declared base models offline so that lineage reaches the knowledge base. Never runs by default;
`huggingface_hub` is an optional dependency imported only when a look-up really goes to the network.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from upstream.errors import UpstreamError
from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Relation
from upstream.resolve.types import LicenceInfo, LineageEdge, OrgRef, Provenance, SourceRef

Fetcher = Callable[[str], dict[str, Any]]
DEFAULT_TTL = 7 * 24 * 3600
_RELATIONS: dict[str, Relation] = {"finetune": "finetune", "adapter": "adapter", "merge": "merge",
                                   "quantized": "quantized"}


class HubError(UpstreamError):
    """The Hub could not be asked (library missing, network down, repository not found)."""

    hint = "install the optional dependency with 'pip install huggingface_hub', or run without --online"


@dataclass(frozen=True)
class HubCard:
    repo_id: str
    author: str | None
    base_models: tuple[str, ...]
    relation: str | None
    licence: str | None
    fetched: str  # ISO date of the answer


def hub_fetcher(token: str | None = None) -> Fetcher:
    """A fetcher backed by `huggingface_hub` (imported here, lazily)."""
    try:
        hub = importlib.import_module("huggingface_hub")
    except ImportError as exc:
        raise HubError("the huggingface_hub package is not installed") from exc
    api = hub.HfApi(token=token)

    def fetch(repo_id: str) -> dict[str, Any]:
        try:
            info = api.model_info(repo_id)
        except Exception as exc:  # the library raises many kinds; all mean "no answer"
            raise HubError(f"{repo_id}: {type(exc).__name__}: {exc}") from exc
        card = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
        return {"id": info.id, "author": getattr(info, "author", None), "cardData": card,
                "tags": list(getattr(info, "tags", None) or [])}

    return fetch


class HubCache:
    """Answers on disk, one JSON file per repository, valid for `ttl` seconds."""

    def __init__(self, root: Path | None = None, ttl: int = DEFAULT_TTL) -> None:
        base = os.environ.get("UPSTREAM_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "upstream")
        self.root = root or Path(base) / "hf-hub"
        self.ttl = ttl

    def _path(self, repo_id: str) -> Path:
        return self.root / (hashlib.sha256(repo_id.lower().encode()).hexdigest()[:32] + ".json")

    def get(self, repo_id: str, now: float | None = None) -> dict[str, Any] | None:
        path = self._path(repo_id)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or (now or time.time()) - float(entry.get("stored", 0)) > self.ttl:
            return None
        data = entry.get("data")
        return data if isinstance(data, dict) else None

    def put(self, repo_id: str, data: dict[str, Any], now: float | None = None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        entry = {"repo_id": repo_id, "stored": now or time.time(), "data": data}
        self._path(repo_id).write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")


def _card(repo_id: str, data: dict[str, Any], stored: float) -> HubCard:
    card = data.get("cardData") or {}
    base = card.get("base_model") or []
    bases = tuple(b for b in ([base] if isinstance(base, str) else base) if isinstance(b, str))
    lic = card.get("license")
    rel = card.get("base_model_relation")
    return HubCard(
        repo_id=str(data.get("id") or repo_id),
        author=data.get("author") if isinstance(data.get("author"), str) else None,
        base_models=bases, relation=rel if isinstance(rel, str) else None,
        licence=lic if isinstance(lic, str) else None,
        fetched=datetime.fromtimestamp(stored, UTC).date().isoformat(),
    )


def lookup(repo_id: str, fetch: Fetcher | None = None, cache: HubCache | None = None,
           now: float | None = None) -> HubCard:
    """The model card facts of one repository, from the cache when fresh, else from the Hub."""
    cache = cache or HubCache()
    stamp = now or time.time()
    data = cache.get(repo_id, stamp)
    if data is None:
        data = (fetch or hub_fetcher())(repo_id)
        cache.put(repo_id, data, stamp)
    return _card(repo_id, data, stamp)


def enrich(prov: Provenance, fetch: Fetcher | None = None, cache: HubCache | None = None,
           kb: KnowledgeBase | None = None, now: float | None = None) -> Provenance:
    """Fill what the knowledge base lacks from the model card; the offline facts stay as they were."""
    from upstream.resolve.resolver import resolve

    repo = prov.normalized
    if "/" not in repo or prov.status == "known":
        return prov
    card = lookup(repo, fetch, cache, now)
    source = SourceRef(id=f"hf-hub:{card.repo_id}", title=f"Hugging Face model card of {card.repo_id}",
                       url=f"https://huggingface.co/{card.repo_id}", date=card.fetched)
    edges: list[LineageEdge] = []
    roots = []
    notes = list(prov.jurisdiction_notes)
    relation: Relation = _RELATIONS.get(card.relation or "", "finetune" if card.base_models else "unknown")
    for base in card.base_models:
        base_prov = resolve(base, kb, hub="huggingface")
        edges.append(LineageEdge(child=card.repo_id, parent=base_prov.model or base, relation=relation,
                                 note="declared in the model card (base_model)", sources=[source]))
        edges += base_prov.lineage
        roots += base_prov.roots or []
        notes += [n for n in base_prov.jurisdiction_notes if n.id not in {m.id for m in notes}]
    licence = prov.licence
    if card.licence:
        known = (kb or _default_kb()).licences.get(card.licence)
        licence = LicenceInfo(id=card.licence, name=known.name if known else card.licence,
                              url=known.url if known else None, category=known.category if known else "unknown")
    developer = prov.developer
    if developer is None and card.author:
        developer = OrgRef(id=card.author, name=card.author, country=None)
    return replace(
        prov, resolver="hf-hub", status="partial", lineage=edges or prov.lineage, roots=roots or prov.roots,
        licence=licence, developer=developer, jurisdiction_notes=notes, sources=[*prov.sources, source],
        unverified=[*prov.unverified, f"lineage and licence of {card.repo_id} as its model card declares them"],
        confidence=max(prov.confidence, 0.6 if card.base_models else prov.confidence),
    )


def _default_kb() -> KnowledgeBase:
    from upstream.kb.loader import default_kb

    return default_kb()
