"""Look-ups over the knowledge base: exact ids and aliases, name stems, Ollama and API names, prefixes.

`KbIndex` is built once per knowledge base; every look-up is a dictionary probe or a short scan over
the separator positions of one name, so resolving thousands of references takes milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from upstream.kb.loader import KnowledgeBase, default_kb
from upstream.kb.schema import EndpointRecord, Family, Measure, ModelRecord, Organisation

_SEPARATORS = frozenset("-_.:/@ ")


@dataclass(frozen=True, slots=True)
class ModelHit:
    model: ModelRecord
    family: Family
    key: str  # the id or alias that matched


@dataclass(frozen=True, slots=True)
class FamilyHit:
    family: Family
    how: str  # "ollama", "api", "prefix", "pattern", "inner-prefix"
    start: int
    length: int


class KbIndex:
    """Dictionaries over one knowledge base, for the resolver."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.models: dict[str, ModelHit] = {}
        self.by_name: dict[str, list[ModelHit]] = {}
        self.model_by_id: dict[str, tuple[ModelRecord, Family]] = {}
        self.prefixes: dict[str, Family] = {}
        self.patterns: list[tuple[re.Pattern[str], Family]] = []
        self.ollama: dict[str, Family] = {}
        self.api: dict[str, Family] = {}
        self.namespaces: dict[str, Organisation] = {}
        self.endpoints: dict[str, EndpointRecord] = {e.id: e for e in kb.endpoints.endpoints}
        self.ollama_aliased: dict[str, set[str]] = {}
        for fam in kb.families.values():
            for m in fam.models:
                self.model_by_id[m.id.lower()] = (m, fam)
                for key in (m.id, *m.aliases):
                    hit = ModelHit(m, fam, key)
                    self.models[key.lower()] = hit
                    name = key.rsplit("/", 1)[-1].lower()
                    if ":" not in name:
                        bucket = self.by_name.setdefault(name, [])
                        if all(h.model.id != m.id for h in bucket):
                            bucket.append(hit)
                    else:
                        self.ollama_aliased.setdefault(name.split(":", 1)[0], set()).add(fam.id)
            for p in fam.match.prefixes:
                self.prefixes[p.lower()] = fam
            for pat in fam.match.patterns:
                self.patterns.append((re.compile(pat), fam))
            for o in fam.match.ollama:
                self.ollama[o.lower()] = fam
            for a in fam.match.api:
                self.api[a.lower()] = fam
        for org in kb.organisations.values():
            for ns in org.hf_namespaces:
                self.namespaces[ns.lower()] = org
        self.measures: tuple[Measure, ...] = kb.measures
        self.memo: dict[object, Any] = {}  # facts built from records, shared by every reference that reaches them

    def model(self, key: str) -> ModelHit | None:
        return self.models.get(key.lower())

    def named(self, stem: str) -> list[ModelHit]:
        """Models whose name (the part after the org) is `stem`, case-insensitively."""
        return self.by_name.get(stem.lower(), [])

    def families_in(self, stem: str) -> list[FamilyHit]:
        """Family prefixes found at separator boundaries of `stem`: at the start first, longest first."""
        hits: list[FamilyHit] = []
        starts = [0] + [i + 1 for i, c in enumerate(stem) if c in _SEPARATORS]
        ends = [i for i, c in enumerate(stem) if c in _SEPARATORS] + [len(stem)]
        for s in starts:
            best: FamilyHit | None = None
            for e in ends:
                if e <= s:
                    continue
                fam = self.prefixes.get(stem[s:e])
                if fam is not None and (best is None or e - s > best.length):
                    best = FamilyHit(fam, "prefix" if s == 0 else "inner-prefix", s, e - s)
            if best is not None:
                hits.append(best)
        for rx, fam in self.patterns:
            m = rx.match(stem)
            if m:
                hits.append(FamilyHit(fam, "pattern", 0, m.end()))
        hits.sort(key=lambda h: (h.start != 0, -h.length, h.start))
        seen: set[str] = set()
        out = []
        for h in hits:
            if h.family.id not in seen:
                seen.add(h.family.id)
                out.append(h)
        return out

    def organisation(self, org_id: str | None) -> Organisation | None:
        return self.kb.organisations.get(org_id) if org_id else None

    def namespace_org(self, namespace: str | None) -> Organisation | None:
        return self.namespaces.get(namespace.lower()) if namespace else None


_CACHE: dict[str, KbIndex] = {}


def index(kb: KnowledgeBase | None = None) -> KbIndex:
    """The index of `kb` (default: the embedded knowledge base), built once per knowledge-base version."""
    kb = kb or default_kb()
    found = _CACHE.get(kb.version)
    if found is None or found.kb is not kb:
        found = _CACHE[kb.version] = KbIndex(kb)
    return found
