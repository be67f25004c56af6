"""developer-jurisdiction and lineage-roots: the laws, listings and measures that bear on whoever made the weights."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Measure
from upstream.models import OrgRef, RiskFactor, Root, SourceRef
from upstream.policy.facts import org_label
from upstream.weigh.context import WeighContext
from upstream.weigh.factors import judgement as J
from upstream.weigh.factors.common import (
    KbView,
    in_places,
    make,
    noisy_or,
    pct,
    sector_multiplier,
    team_places,
    unknown,
    view,
)
from upstream.weigh.factors.subject import RiskSubject

_STATE_OWNED_RE = re.compile(r"\bstate[- ]owned\b|^state\b", re.IGNORECASE)
_STATE_BACKED_RE = re.compile(r"\bstate[- ]backed\b", re.IGNORECASE)


@dataclass(frozen=True)
class OrgConcern:
    """How much one developer's jurisdiction weighs for this team, and why."""

    value: float | None
    known: bool
    """The developer's home country is known"""
    summary: str
    details: tuple[str, ...]
    sources: tuple[SourceRef, ...]


def org_concern(org: OrgRef, ctx: WeighContext, kbv: KbView, families: Sequence[str] = ()) -> OrgConcern:
    """The jurisdiction concern of one developer for the team in `ctx` (cached per developer and context)."""
    key = ("org-concern", org.id, org.country, tuple(families), ctx.operates_in, ctx.sector)
    found = kbv.memo.get(key)
    if found is None:
        found = kbv.memo[key] = _org_concern(org, ctx, kbv, families)
    assert isinstance(found, OrgConcern)
    return found


def _org_concern(org: OrgRef, ctx: WeighContext, kbv: KbView, families: Sequence[str]) -> OrgConcern:
    places = team_places(ctx)
    declared = bool(places)
    record = kbv.organisation(org.id)
    country = org.country
    foreign = country is not None and (not declared or not in_places(country, places))
    mult = sector_multiplier(ctx)
    classes: dict[str, tuple[float, list[str]]] = {}
    details: list[str] = []
    source_ids: list[str] = list(record.sources) if record else []

    def add(cls: str, value: float, what: str) -> None:
        old = classes.get(cls)
        names = [*(old[1] if old else []), what]
        classes[cls] = (max(value, old[0] if old else 0.0), names)

    counted_measures: set[str] = set()
    for m in kbv.measures_for(org.id, country, families):
        value, cls, note = _measure(m, org, country, foreign, places, mult)
        if cls is None:
            details.append(f"{m.name} ({m.jurisdiction}, {m.kind}): not counted, {note}")
            continue
        counted_measures.add(m.id)
        add(cls, value, _short(m))
        details.append(f"{m.name} ({m.jurisdiction}, {m.kind}): {note}, counts {pct(value)}")
        source_ids += m.sources
    for li in record.listings if record else []:
        if li.measure in counted_measures:
            continue
        value = J.LISTING_WHERE_TEAM_OPERATES if in_places(li.jurisdiction, places) else J.LISTING
        add("listed", value, li.name)
        details.append(f"listed: {li.name} ({li.jurisdiction}{', ' + li.date if li.date else ''}), counts {pct(value)}")
        source_ids += li.sources
    if record is None:
        for text in org.listings:
            add("listed", J.LISTING, text)
            details.append(f"listed: {text}, counts {pct(J.LISTING)}")
    ties = " ".join(x for x in ((record.type if record else org.type), org.state_ties, org.ownership) if x)
    if foreign and _STATE_OWNED_RE.search(ties):
        add("state-owned", J.STATE_OWNED * mult, "state-owned or a state lab")
        details.append(f"state ties (per the KB): {org.state_ties or org.type}, counts {pct(J.STATE_OWNED * mult)}")
    elif foreign and _STATE_BACKED_RE.search(ties):
        add("state-backed", J.STATE_BACKED, "state-backed investors")
        details.append(f"state ties (per the KB): {org.state_ties}, counts {pct(J.STATE_BACKED)}")
    if country is not None and declared and foreign and not classes:
        add("foreign", J.FOREIGN_DOMICILE, f"domiciled in {country}, outside {', '.join(ctx.operates_in)}")
        details.append(f"domiciled in {country}, outside the countries the team operates in, "
                       f"counts {pct(J.FOREIGN_DOMICILE)}")
    if country is not None and not declared:
        details.append("the team has not declared where it operates ([weigh] operates_in): foreign laws counted")
    label = org_label(org)
    if country is None and not classes:
        return OrgConcern(value=None, known=False, summary=f"{label}: home country not in the knowledge base",
                          details=tuple(details), sources=tuple(kbv.cite(_dedupe(source_ids))))
    value = noisy_or(v for v, _ in classes.values())
    ranked = sorted(classes.items(), key=lambda kv: -kv[1][0])
    if ranked:
        summary = f"{label}: " + "; ".join(_class_phrase(c, names) for c, (_, names) in ranked[:3])
    elif country is not None and declared:
        summary = f"{label}: no law, listing or restriction in the knowledge base weighs against it"
    else:
        summary = f"{label}: no law, listing or restriction in the knowledge base applies"
    return OrgConcern(value=value, known=country is not None, summary=summary, details=tuple(details),
                      sources=tuple(kbv.cite(_dedupe(source_ids))))


def _measure(m: Measure, org: OrgRef, country: str | None, foreign: bool, places: frozenset[str],
             mult: float) -> tuple[float, str | None, str]:
    """(value, concern class or None when not counted, why) for one measure that applies to the developer."""
    by_name = org.id in m.applies_to.organisations
    by_domicile = country is not None and country in m.applies_to.domiciled_in
    here = in_places(m.jurisdiction, places)
    if m.kind in J.NEUTRAL_MEASURE_KINDS:
        return 0.0, None, "an obligation on the developer, not a concern for its users"
    if m.kind == "law" and by_domicile and not by_name:
        if not foreign:
            return 0.0, None, "a law of a country the team operates in"
        if m.id in J.STATE_ACCESS_MEASURES:
            return min(1.0, J.STATE_ACCESS_LAW * mult), "state-access law", "foreign state-access law, by domicile"
        return J.OTHER_FOREIGN_LAW, "foreign law", "foreign law, by domicile"
    if m.kind == "law":
        if m.id in J.STATE_ACCESS_MEASURES:
            return min(1.0, J.STATE_ACCESS_LAW * mult), "state-access law", "state-access law naming the developer"
        return J.OTHER_FOREIGN_LAW, "foreign law", "law naming the developer"
    if m.kind == "listing":
        value = J.LISTING_WHERE_TEAM_OPERATES if here else J.LISTING
        return value, "listed", "government listing" + (" where the team operates" if here else "")
    if m.kind == "restriction":
        if here:
            return (min(1.0, J.GOV_RESTRICTION_WHERE_TEAM_OPERATES * mult), "restricted here",
                    "government restriction where the team operates")
        return J.GOV_RESTRICTION_ELSEWHERE, "restricted elsewhere", "government restriction elsewhere"
    if m.kind == "bill":
        value = J.BILL_WHERE_TEAM_OPERATES if here else J.BILL_ELSEWHERE
        return value, "bill", "bill (not enacted)" + (" where the team operates" if here else "")
    if m.kind == "evaluation":
        return J.EVALUATION, "evaluation", "named by a government evaluation"
    return 0.0, None, f"kind {m.kind!r} carries no weight"


def _short(m: Measure) -> str:
    name = m.name.split(" (")[0]
    return name.split(": ", 1)[-1] if m.kind == "restriction" else name


def _class_phrase(cls: str, names: list[str]) -> str:
    uniq = list(dict.fromkeys(names))
    if cls in ("restricted here", "restricted elsewhere"):
        where = "where the team operates" if cls == "restricted here" else "elsewhere"
        return f"restricted by {len(uniq)} government{'s' if len(uniq) > 1 else ''} {where} ({', '.join(uniq[:3])}" \
               f"{', ...' if len(uniq) > 3 else ''})"
    more = f" and {len(uniq) - 1} more" if len(uniq) > 1 else ""
    return f"{cls}: {uniq[0]}{more}"


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --------------------------------------------------------------------------- the two factors


def developer_jurisdiction(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """The developer's home jurisdiction, the laws and measures that apply there, listings and state ties."""
    fid = "developer-jurisdiction"
    prov = subject.provenance
    if prov is None or prov.developer is None:
        return unknown(fid, ctx, "developer not identified: nobody can say which laws bind it")
    kbv = view(kb)
    dev = prov.developer
    fam = kb.families.get(prov.family or "")
    families = [fam.id] if fam is not None and fam.developer == dev.id else []
    c = org_concern(dev, ctx, kbv, families)
    if c.value is None:
        return unknown(fid, ctx, c.summary, c.details, c.sources)
    return make(fid, ctx, c.value, "known" if c.known else "partial", c.summary, c.details, c.sources)


def lineage_roots(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """Every lineage root's developer jurisdiction: a fine-tune inherits its base (the highest root counts)."""
    fid = "lineage-roots"
    prov = subject.provenance
    if prov is None or not prov.roots:
        return unknown(fid, ctx, "lineage unknown: no root model identified")
    kbv = view(kb)
    scored: list[tuple[Root, OrgConcern | None]] = []
    for root in prov.roots:
        if root.developer is None:
            scored.append((root, None))
        else:
            scored.append((root, org_concern(root.developer, ctx, kbv, [root.family] if root.family else [])))
    details: list[str] = []
    sources: list[SourceRef] = []
    for root, c in scored:
        via = f" via {' > '.join(root.via)}" if root.via else ""
        if c is None or c.value is None:
            details.append(f"root {_root_name(root, kb)}{via}: developer "
                           f"{'unknown' if c is None else 'home country unknown'}")
        else:
            details.append(f"root {_root_name(root, kb)}{via}: {pct(c.value)}: {c.summary}")
            sources += c.sources
    known = [(r, c) for r, c in scored if c is not None and c.value is not None]
    if not known:
        return unknown(fid, ctx, "the developers of the lineage roots are not identified", details)
    root, top = max(known, key=lambda rc: rc[1].value or 0.0)
    assert top.value is not None
    inferred = any(e.inferred or e.unverified for e in prov.lineage)
    partial = len(known) < len(scored) or inferred or not all(c.known for _, c in known)
    self_root = len(prov.roots) == 1 and not prov.lineage
    if self_root:
        reason = f"no derivation recorded, the model is its own root: {top.summary}"
    else:
        who = f"{len(prov.roots)} roots, highest " if len(prov.roots) > 1 else ""
        reason = f"inherits from {who}{_root_name(root, kb)}: {top.summary}"
    if inferred:
        details.append("part of the lineage is inferred from the name or unverified")
    return make(fid, ctx, top.value, "partial" if partial else "known", reason, details, sources)


def _root_name(root: Root, kb: KnowledgeBase) -> str:
    if root.model.startswith("family:"):
        fam = kb.families.get(root.model.removeprefix("family:"))
        return f"the {fam.name if fam else root.model.removeprefix('family:')} family"
    return root.model


__all__ = ["OrgConcern", "developer_jurisdiction", "lineage_roots", "org_concern"]
