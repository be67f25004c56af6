"""Reference -> provenance: knowledge-base look-up, name normalisation, lineage; optionally the HF Hub."""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.models import InventoryItem
from upstream.resolve.resolver import resolve
from upstream.resolve.types import Provenance


def resolve_item(item: InventoryItem, kb: KnowledgeBase | None = None) -> Provenance:
    """The provenance of one inventory item; its endpoint (who serves it) is carried over unchanged."""
    hub = item.model.hub if item.model.hub != "unknown" else None
    return resolve(item.model.canonical, kb, hub=hub, provider=item.model.provider, endpoint=item.endpoint)


__all__ = ["Provenance", "resolve", "resolve_item"]
