"""Turn knowledge-base records into the facts of a Provenance, each with its sources and dates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from upstream.kb.schema import Family, Licence, ModelRecord, Organisation
from upstream.models import Endpoint
from upstream.resolve.kb import KbIndex
from upstream.resolve.lineage import walk
from upstream.resolve.names import ParsedRef
from upstream.resolve.types import (
    Candidate,
    JurisdictionNote,
    LicenceInfo,
    LineageEdge,
    OrgRef,
    Provenance,
    RestrictionInfo,
    Root,
    SourceRef,
    TrainingDataInfo,
)


def cite(ids: list[str], idx: KbIndex) -> list[SourceRef]:
    key = ("cite", tuple(ids))
    found = idx.memo.get(key)
    if found is None:
        found = idx.memo[key] = _cite(ids, idx)
    return list(found)


def _cite(ids: list[str], idx: KbIndex) -> list[SourceRef]:
    out = []
    for sid in ids:
        src = idx.kb.sources.get(sid)
        if src is None:
            out.append(SourceRef(id=sid, title=sid))
            continue
        url = src.url or (f"https://github.com/{src.repo}/blob/{src.commit or 'HEAD'}/{src.path}"
                          if src.repo and src.path and ";" not in src.path else
                          f"https://github.com/{src.repo}" if src.repo else None)
        out.append(SourceRef(id=sid, title=src.title, url=url, date=src.date))
    return out


def org_ref(org_id: str | None, idx: KbIndex) -> OrgRef | None:
    org = idx.organisation(org_id)
    return _org(org, idx) if org else None


def _org(org: Organisation, idx: KbIndex) -> OrgRef:
    key = ("org", org.id)
    found = idx.memo.get(key)
    if found is None:
        found = idx.memo[key] = _make_org(org)
    return found


def _make_org(org: Organisation) -> OrgRef:
    return OrgRef(
        id=org.id, name=org.name, country=org.country, other_countries=list(org.other_countries), type=org.type,
        ownership=org.ownership, state_ties=org.state_ties,
        listings=[f"{li.name} ({li.jurisdiction}, {li.date})" if li.date else li.name for li in org.listings],
        transparency={t.edition: t.score for t in org.transparency},
    )


def route_endpoint(route: str | None, idx: KbIndex) -> Endpoint | None:
    """The endpoint a route prefix implies (`openrouter/...` -> OpenRouter), from endpoints.yaml."""
    if not route:
        return None
    rec = idx.endpoints.get(route)
    if rec is None:
        return Endpoint(operator_id=route, implied=True)
    srcs = idx.kb.endpoints.sources
    return Endpoint(
        url=rec.default_url, host=rec.hosts[0] if rec.hosts else None, operator=rec.operator, operator_id=rec.id,
        operator_country=rec.operator_country, data_processing=rec.data_processing, local=rec.local, implied=True,
        sources=[f"{srcs[s].title} <{srcs[s].url or srcs[s].repo}>" if s in srcs else s for s in rec.sources],
    )


def _licence(lic: Licence, applies_to: str | None, idx: KbIndex) -> LicenceInfo:
    key = ("licence", lic.id, applies_to)
    found = idx.memo.get(key)
    if found is None:
        found = idx.memo[key] = _make_licence(lic, applies_to)
    return found


def _make_licence(lic: Licence, applies_to: str | None) -> LicenceInfo:
    return LicenceInfo(
        id=lic.id, name=lic.name, url=lic.url, spdx=lic.spdx, category=lic.category, applies_to=applies_to,
        restrictions=[RestrictionInfo(kind=r.kind, text=r.text, territories=list(r.territories),
                                      threshold=r.threshold, unverified=r.unverified) for r in lic.restrictions],
    )


def _licences(family: Family, model: ModelRecord | None, idx: KbIndex,
              stem: str) -> list[tuple[LicenceInfo, Licence]]:
    lics = idx.kb.licences
    if model is not None and model.licence and model.licence in lics:
        return [(_licence(lics[model.licence], None, idx), lics[model.licence])]
    pairs = [(_licence(lics[r.id], r.applies_to, idx), lics[r.id]) for r in family.licences if r.id in lics]
    squeezed = stem.replace(" ", "").replace("-", "")
    fitting = [pr for pr in pairs if pr[0].applies_to
               and pr[0].applies_to.lower().replace(" ", "").replace("-", "") in squeezed]
    if fitting:
        best = max(fitting, key=lambda pr: len(pr[0].applies_to or ""))
        return [best] + [pr for pr in pairs if pr is not best]
    return pairs


def jurisdiction_notes(orgs: list[tuple[Organisation, str]], family_ids: list[str],
                       idx: KbIndex) -> list[JurisdictionNote]:
    """Measures that apply to the developers (by domicile or by name) and to the families involved."""
    key = ("notes", tuple((o.id, role) for o, role in orgs), tuple(family_ids))
    found = idx.memo.get(key)
    if found is None:
        found = idx.memo[key] = _notes(orgs, family_ids, idx)
    return list(found)


def _notes(orgs: list[tuple[Organisation, str]], family_ids: list[str], idx: KbIndex) -> list[JurisdictionNote]:
    out: dict[str, JurisdictionNote] = {}
    for me in idx.measures:
        why = None
        for org, role in orgs:
            if org.id in me.applies_to.organisations:
                why = f"names the {role} {org.name.split(' (')[0]}"
            elif org.country and org.country in me.applies_to.domiciled_in:
                why = why or f"the {role} is domiciled in {org.country}"
        if why is None and set(family_ids) & set(me.applies_to.families):
            why = "names this model family"
        if why and me.id not in out:
            out[me.id] = JurisdictionNote(id=me.id, jurisdiction=me.jurisdiction, kind=me.kind, name=me.name, why=why,
                                          summary=me.provision, sources=cite(me.sources, idx))
    return list(out.values())


def assemble(p: ParsedRef, idx: KbIndex, node: str, family: Family, model: ModelRecord | None, confidence: float,
             how: str, ref_edges: list[LineageEdge], third_party: bool, candidates: list[Candidate],
             tried: list[str], ep: Endpoint | None) -> Provenance:
    developer_org = None if third_party else idx.organisation(family.developer)
    if third_party:
        ns_org = idx.namespace_org(p.namespace)
        developer_org = ns_org if ns_org and ns_org.id != family.developer else None
    key = ("target", node, model.id if model else None, family.id, developer_org.id if developer_org else None)
    target = idx.memo.get(key)
    if target is None:
        target = idx.memo[key] = _target(idx, node, family, model, developer_org)
    edges, roots = [*ref_edges, *target["edges"]], list(target["roots"])
    if not ref_edges and model is None and len(roots) == 1 and roots[0].model == node:
        roots = [replace(roots[0], model=p.hub_id or p.name)]
    lic_pairs = _licences(family, model, idx, p.stem)
    sources = cite(_dedupe([*target["source_ids"], *(lic_pairs[0][1].sources if lic_pairs else [])]), idx)
    unverified = list(target["unverified"])
    unverified += [f"{e.child} -> {e.parent}: {e.note or e.relation}" for e in ref_edges if e.unverified]
    if third_party:
        unverified.append("the developer of this derivative is not in the knowledge base; licence and facts "
                          "shown are those of the family it derives from")
    if model is None and how in ("prefix", "pattern", "ollama") and not ref_edges:
        unverified.append(f"matched by name ({how}); facts are those of the {family.name} family")
    known = developer_org is not None and developer_org.country is not None and confidence >= 0.75
    return Provenance(
        reference=p.raw, normalized=_normalized(p), status="known" if known else "partial",
        confidence=round(confidence, 2), resolver="kb", model=model.id if model else None, family=family.id,
        family_name=family.name, developer=target["developer"], jurisdiction_notes=list(target["notes"]),
        licence=lic_pairs[0][0] if lic_pairs else None, other_licences=[li for li, _ in lic_pairs[1:]],
        open_weights=target["open_weights"], training_data=target["training_data"], lineage=edges, roots=roots,
        endpoint=ep, quantization=p.quant, sources=sources, checked=family.checked, unverified=_dedupe(unverified),
        kb_version=idx.kb.version, candidates=candidates, tried=tried,
    )


def _target(idx: KbIndex, node: str, family: Family, model: ModelRecord | None,
            developer_org: Organisation | None) -> dict[str, Any]:
    """Facts that depend only on what the reference resolved to: shared by every reference that reaches it."""
    edges, roots = walk(node, idx, lambda ids: cite(ids, idx), lambda o: org_ref(o, idx))
    source_ids: list[str] = [*family.sources, *(model.sources if model else [])]
    unverified = [*family.unverified, *(model.unverified if model else [])]
    if developer_org:
        source_ids += developer_org.sources
        unverified += [f"{developer_org.name.split(' (')[0]}: {u}" for u in developer_org.unverified]
    unverified += [f"{e.child} -> {e.parent}: {e.note or e.relation}" for e in edges if e.unverified]
    root_orgs = [(idx.kb.organisations[r.developer.id], "developer of a root model") for r in roots
                 if r.developer and r.developer.id in idx.kb.organisations]
    orgs = ([(developer_org, "developer")] if developer_org else []) + root_orgs
    open_weights = model.open_weights if model is not None and model.open_weights is not None else family.open_weights
    return {
        "edges": edges, "roots": roots, "source_ids": source_ids, "unverified": unverified,
        "notes": jurisdiction_notes(orgs, [family.id, *[r.family for r in roots if r.family]], idx),
        "developer": _org(developer_org, idx) if developer_org else None, "open_weights": open_weights,
        "training_data": TrainingDataInfo(level=family.training_data.level, note=family.training_data.note),
    }


def unknown(p: ParsedRef, idx: KbIndex, tried: list[str], ep: Endpoint | None,
            org: Organisation | None) -> Provenance:
    """Nothing matched a family; a known namespace or vendor still names the developer."""
    roots = [Root(model=p.hub_id or p.name, developer=_org(org, idx))] if org else []
    return Provenance(
        reference=p.raw, normalized=_normalized(p), status="partial" if org else "unknown",
        confidence=0.4 if org else 0.0, resolver="kb" if org else "none", developer=_org(org, idx) if org else None,
        jurisdiction_notes=jurisdiction_notes([(org, "developer")], [], idx) if org else [],
        roots=roots, endpoint=ep, quantization=p.quant, sources=cite(org.sources, idx) if org else [],
        checked=org.checked if org else None,
        unverified=["model not in the knowledge base; developer inferred from the namespace"] if org else [],
        kb_version=idx.kb.version, tried=tried,
    )


def _normalized(p: ParsedRef) -> str:
    base = p.hub_id or p.name
    return f"{base}:{p.tag}" if p.tag and p.hub == "ollama" else base


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
