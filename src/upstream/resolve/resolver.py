"""Reference -> Provenance, offline, from the knowledge base. Pure: same inputs, same answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Family, ModelRecord, Organisation, Relation
from upstream.models import Endpoint
from upstream.resolve import facts
from upstream.resolve.kb import KbIndex, ModelHit, index
from upstream.resolve.lineage import family_node
from upstream.resolve.names import ParsedRef, RefHub, parse
from upstream.resolve.prefixes import AMBIGUOUS_ROUTES
from upstream.resolve.types import Candidate, LineageEdge, Provenance

_ADAPTER_WORDS = ("lora", "qlora", "adapter", "peft")
_MERGE_WORDS = ("merge", "merged", "slerp", "ties", "dare", "passthrough", "frankenmerge", "moe-merge")
_FINETUNE_WORDS = ("sft", "dpo", "orpo", "grpo", "kto", "finetune", "fine-tune", "finetuned", "ft", "tuned",
                   "abliterated", "uncensored", "rlhf", "chat", "instruct")


@dataclass
class _Match:
    node: str  # model id or family:<id>
    family: Family
    model: ModelRecord | None
    confidence: float
    how: str
    edge: tuple[Relation, str, bool] | None = None  # relation, note, inferred: from the reference to `node`
    third_party: bool = False  # the reference is someone else's derivative: developer unknown
    candidates: list[Candidate] = field(default_factory=list)


def resolve(raw: str, kb: KnowledgeBase | None = None, hub: RefHub | None = None, provider: str | None = None,
            endpoint: Endpoint | None = None) -> Provenance:
    """The provenance of one model reference. Never raises on odd input: unknown is a result."""
    idx = index(kb)
    p = parse(raw, hub, provider)
    head = raw.strip().split("/", 1)[0].lower()
    if p.route and head in AMBIGUOUS_ROUTES and idx.model(raw.strip()) is not None:
        p = parse(raw, "huggingface", provider)
    tried: list[str] = []
    match = _find(p, idx, tried)
    ep = endpoint or facts.route_endpoint(p.route, idx)
    if match is None:
        return _unknown(p, idx, tried, ep)
    return facts.assemble(p, idx, match.node, match.family, match.model, match.confidence, match.how,
                          _ref_edges(p, match), match.third_party, match.candidates, tried, ep)


def _ref_edges(p: ParsedRef, m: _Match) -> list[LineageEdge]:
    if m.edge is None:
        return []
    relation, note, inferred = m.edge
    child = p.written if not p.tag else f"{p.written}:{p.tag}" if ":" not in p.written else p.written
    return [LineageEdge(child=child, parent=m.node, relation=relation, note=note, inferred=inferred,
                        unverified=inferred)]


def _repack(p: ParsedRef) -> Relation:
    return "quantized" if p.quantized else "repackaged"


def _derivation(stem: str) -> tuple[Relation, str]:
    words = set(stem.replace("_", "-").replace(".", "-").split("-"))
    if words & set(_ADAPTER_WORDS):
        return "adapter", "name suggests an adapter (LoRA/PEFT) on"
    if words & set(_MERGE_WORDS):
        return "merge", "name suggests a merge that includes"
    if "distill" in words or "distilled" in words:
        return "distilled", "name suggests a distillation of"
    if words & set(_FINETUNE_WORDS):
        return "finetune", "name suggests a fine-tune of"
    return "unknown", "name suggests a derivative of"


def _find(p: ParsedRef, idx: KbIndex, tried: list[str]) -> _Match | None:
    ns_org = idx.namespace_org(p.namespace)
    # 1. exact ids and aliases, as written
    exact = [p.written]
    if p.tag and p.tag != "latest":
        exact.append(f"{p.written}:{p.tag}" if ":" not in p.written else p.written)
    for key in exact:
        tried.append(f"exact id or alias {key!r}")
        hit = idx.model(key)
        if hit:
            edge = None
            if ":" in hit.key:  # an Ollama tag aliased to the checkpoint it packages
                note = "Ollama library tag packaging this checkpoint"
                edge = (_repack(p), note, False)
            return _Match(hit.model.id, hit.family, hit.model, 1.0, "exact", edge)
    # 2. the same checkpoint without format suffixes, or under another namespace (quantizers, mirrors)
    stripped = p.hub_id or p.name
    if stripped.lower() != p.written.lower():
        tried.append(f"exact id without format suffixes {stripped!r}")
        hit = idx.model(stripped)
        if hit:
            return _Match(hit.model.id, hit.family, hit.model, 0.95, "stripped",
                          (_repack(p), f"{'/'.join(p.formats) or 'format'} build of", False))
    tried.append(f"model name {p.stem!r} under any namespace")
    named = idx.named(p.stem) if p.hub != "ollama" else []
    if named and p.derived is None:
        best = _prefer(named, ns_org)
        same_org = (ns_org is not None and ns_org.id == best.family.developer) or p.vendor == best.family.developer
        conf = 0.9 if (p.namespace is None or same_org or p.repackager) else 0.7
        edge = None
        if p.namespace and not same_org:
            who = "known quantizer/mirror" if p.repackager else "another namespace"
            edge = (_repack(p), f"re-upload by {p.namespace} ({who})", p.repackager is None)
        elif p.formats or p.quant:
            edge = (_repack(p), f"{'/'.join(p.formats) or p.quant} build", False)
        cands = [Candidate(model=h.model.id, family=h.family.id, developer=h.family.developer, confidence=0.5,
                           reason="same model name") for h in named if h is not best]
        return _Match(best.model.id, best.family, best.model, conf, "name", edge, candidates=cands)
    return _find_family(p, idx, tried, ns_org)


def _prefer(hits: list[ModelHit], ns_org: Organisation | None) -> ModelHit:
    for h in hits:
        if ns_org is not None and h.family.developer == ns_org.id:
            return h
    return hits[0]


def _find_family(p: ParsedRef, idx: KbIndex, tried: list[str], ns_org: Organisation | None) -> _Match | None:
    org_id = ns_org.id if ns_org else p.vendor
    if p.hub == "ollama" or (p.namespace is None and p.hub in ("api", "unknown")):
        tried.append(f"Ollama library name {p.stem!r}")
        fam = idx.ollama.get(p.stem)
        if fam is not None and (p.hub == "ollama" or p.tag):
            other = idx.ollama_aliased.get(p.stem, set()) - {fam.id}
            cands = _size_candidates(p, idx) if other else []
            conf = 0.6 if other else 0.9
            note = "Ollama library model" + (f" (tag {p.tag})" if p.tag else "")
            return _Match(family_node(fam.id), fam, None, conf, "ollama", (_repack(p), note, False),
                          candidates=cands)
    tried.append(f"API name {p.stem!r}")
    fam = idx.api.get(p.stem)
    if fam is not None:
        return _Match(family_node(fam.id), fam, None, 0.95, "api")
    tried.append(f"family name prefixes and patterns in {p.stem!r}")
    hits = idx.families_in(p.stem)
    if fam is None and not hits and p.hub != "ollama":
        fam = idx.ollama.get(p.stem)
        if fam is not None:
            return _Match(family_node(fam.id), fam, None, 0.8, "ollama")
    if hits:
        top = hits[0]
        cands = [Candidate(family=h.family.id, developer=h.family.developer,
                           confidence=0.6 if h.start == 0 else 0.4,
                           reason=f"{h.how} {p.stem[h.start:h.start + h.length]!r}") for h in hits[1:]]
        fam = top.family
        node = family_node(fam.id)
        first_party = org_id is None or org_id == fam.developer or org_id in fam.co_developers
        if p.derived:
            return _Match(node, fam, None, 0.6, "derived", ("finetune", "; ".join(p.notes), True), True, cands)
        if top.start == 0 and (first_party or p.repackager) and not (p.namespace and org_id is None
                                                                     and not p.repackager):
            conf = 0.85 if top.how == "prefix" else 0.8
            if p.vendor and p.vendor != fam.developer:
                conf = 0.5
            edge = None
            if p.repackager or p.formats or p.quant or p.hub == "ollama":
                edge = (_repack(p), "build of a model of this family", p.repackager is None and not p.quant)
            return _Match(node, fam, None, conf, top.how, edge, candidates=cands)
        relation, why = _derivation(p.stem)
        third = org_id is None or org_id != fam.developer
        return _Match(node, fam, None, 0.5 if top.start == 0 else 0.4, top.how,
                      (relation, f"{why} {fam.name} (inferred from the name)", True), third, cands)
    return None


def _size_candidates(p: ParsedRef, idx: KbIndex) -> list[Candidate]:
    """For an Ollama tag whose size is not mapped: same-size checkpoints in the families its other tags map to."""
    if not p.size:
        return []
    families = idx.ollama_aliased.get(p.stem, set())
    out: list[Candidate] = []
    for fam_id in sorted(families):
        for m in idx.kb.families[fam_id].models:
            if p.size in m.id.lower().replace("-", " ").replace("/", " ").split() or f"-{p.size}" in m.id.lower():
                out.append(Candidate(model=m.id, family=fam_id, developer=idx.kb.families[fam_id].developer,
                                     confidence=0.4, reason=f"size {p.size} matches a checkpoint of this family"))
    return out[:5]


def _unknown(p: ParsedRef, idx: KbIndex, tried: list[str], ep: Endpoint | None) -> Provenance:
    org = idx.organisation(p.vendor) or idx.namespace_org(p.namespace)
    if org is not None:
        tried.append(f"namespace or vendor {p.namespace or p.vendor!r} -> organisation {org.id}")
    return facts.unknown(p, idx, tried, ep, org)


def resolve_many(refs: list[str], kb: KnowledgeBase | None = None) -> list[Provenance]:
    return [resolve(r, kb) for r in refs]


__all__ = ["KbIndex", "resolve", "resolve_many"]
