"""What every factor shares: per-knowledge-base lookups built once, citations, places, and RiskFactor making."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Measure, Organisation
from upstream.models import RiskFactor, RiskStatus, SourceRef
from upstream.policy.facts import EU_MEMBERS, expand
from upstream.weigh.context import WeighContext
from upstream.weigh.factors.judgement import FACTOR_NAMES, SECTOR_STATE_MULTIPLIER


@dataclass
class KbView:
    """Lookups over one knowledge base, built once per knowledge base and shared by every assessment."""

    kb: KnowledgeBase
    by_domicile: dict[str, list[Measure]] = field(default_factory=dict)
    by_org: dict[str, list[Measure]] = field(default_factory=dict)
    by_family: dict[str, list[Measure]] = field(default_factory=dict)
    fmti_sources: tuple[str, ...] = ()
    memo: dict[Any, Any] = field(default_factory=dict)

    def cite(self, ids: Iterable[str]) -> list[SourceRef]:
        """Source ids of the knowledge base as SourceRefs (title, address, date)."""
        key = ("cite", tuple(ids))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = tuple(_cite(self.kb, sid) for sid in key[1])
        return list(found)

    def cite_endpoint(self, ids: Iterable[str]) -> list[SourceRef]:
        """Source ids of endpoints.yaml (its own source table)."""
        key = ("cite-ep", tuple(ids))
        found = self.memo.get(key)
        if found is None:
            table = self.kb.endpoints.sources
            refs = []
            for sid in key[1]:
                src = table.get(sid)
                if src is None:
                    refs.append(_cite(self.kb, sid))
                    continue
                url = src.url or (f"https://github.com/{src.repo}" if src.repo else None)
                refs.append(SourceRef(id=sid, title=src.title, url=url, date=src.date))
            found = self.memo[key] = tuple(refs)
        return list(found)

    def organisation(self, org_id: str | None) -> Organisation | None:
        return self.kb.organisations.get(org_id) if org_id else None

    def measures_for(self, org_id: str | None, country: str | None, families: Sequence[str] = ()) -> list[Measure]:
        """Measures that apply to a developer: by its domicile, by its name, or by a family it made."""
        out: dict[str, Measure] = {}
        for m in self.by_domicile.get(country or "", []):
            out.setdefault(m.id, m)
        for m in self.by_org.get(org_id or "", []):
            out.setdefault(m.id, m)
        for fam in families:
            for m in self.by_family.get(fam, []):
                out.setdefault(m.id, m)
        return list(out.values())


def _cite(kb: KnowledgeBase, sid: str) -> SourceRef:
    src = kb.sources.get(sid)
    if src is None:
        return SourceRef(id=sid, title=sid)
    url = src.url or (f"https://github.com/{src.repo}/blob/{src.commit or 'HEAD'}/{src.path}"
                      if src.repo and src.path and ";" not in src.path else
                      f"https://github.com/{src.repo}" if src.repo else None)
    return SourceRef(id=sid, title=src.title, url=url, date=src.date)


_VIEWS: dict[int, KbView] = {}


def view(kb: KnowledgeBase) -> KbView:
    """The lookups of `kb`, built on first use."""
    found = _VIEWS.get(id(kb))
    if found is not None and found.kb is kb:
        return found
    by_domicile: dict[str, list[Measure]] = defaultdict(list)
    by_org: dict[str, list[Measure]] = defaultdict(list)
    by_family: dict[str, list[Measure]] = defaultdict(list)
    for m in kb.measures:
        for c in m.applies_to.domiciled_in:
            by_domicile[c].append(m)
        for o in m.applies_to.organisations:
            by_org[o].append(m)
        for f in m.applies_to.families:
            by_family[f].append(m)
    fmti = next((ix for ix in kb.indices if ix.id == "fmti"), None)
    made = KbView(kb=kb, by_domicile=dict(by_domicile), by_org=dict(by_org), by_family=dict(by_family),
                  fmti_sources=tuple(fmti.sources) if fmti else ())
    if len(_VIEWS) > 8:
        _VIEWS.clear()
    _VIEWS[id(kb)] = made
    return made


# --------------------------------------------------------------------------- places


def team_places(ctx: WeighContext) -> frozenset[str]:
    """The team's countries with "EU" expanded to the member states (and kept itself)."""
    return expand(ctx.operates_in)


def in_places(jurisdiction: str | None, places: frozenset[str]) -> bool:
    """A jurisdiction (country, "EU", or subdivision such as US-TX) lies where the team operates."""
    if not jurisdiction or not places:
        return False
    if jurisdiction in places or jurisdiction.split("-", 1)[0] in places:
        return True
    return jurisdiction == "EU" and bool(places & EU_MEMBERS)


def sector_multiplier(ctx: WeighContext) -> float:
    return SECTOR_STATE_MULTIPLIER.get(ctx.sector, 1.0)


# --------------------------------------------------------------------------- values and factors


def noisy_or(values: Iterable[float]) -> float:
    """Independent concerns combined: 1 - prod(1 - v). One concern alone keeps its value."""
    rest = 1.0
    for v in values:
        rest *= 1.0 - min(1.0, max(0.0, v))
    return 1.0 - rest


def clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 3)


def make(fid: str, ctx: WeighContext, value: float | None, status: RiskStatus, reason: str,
         details: Sequence[str] = (), sources: Iterable[SourceRef] = ()) -> RiskFactor:
    """A RiskFactor with its weight from the context; sources deduplicated in order."""
    seen: dict[str, SourceRef] = {}
    for s in sources:
        seen.setdefault(s.id, s)
    return RiskFactor(id=fid, name=FACTOR_NAMES[fid], value=None if value is None else clamp(value),
                      weight=ctx.weight(fid), status=status, reason=reason, details=list(details),
                      sources=list(seen.values()))


def unknown(fid: str, ctx: WeighContext, reason: str, details: Sequence[str] = (),
            sources: Iterable[SourceRef] = ()) -> RiskFactor:
    """A factor whose facts are missing: value None, counted as unknown (never as zero)."""
    return make(fid, ctx, None, "unknown", reason, details, sources)


def pct(value: float) -> str:
    return f"{value:.2f}"
