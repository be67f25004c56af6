"""The candidate pool: every knowledge-base family with benchmark rows for the task, weighed once.

Each candidate is named by its family's headline row (the highest score on the task's most primary
benchmark the family has), resolved by the real resolver, and served the way it naturally would be:
open weights self-hosted (the `local` endpoint record), API-only models behind their developer's own
endpoint record. Its risk comes from `assess_risk`, and the team's policy is run once, by the real
policy engine, over a synthetic report holding one inventory item per candidate (rules about pinning and
packaging left out, path scopes lifted: a candidate has no files yet and could be used anywhere).

The pool depends on (knowledge base, task, context, policy) only: `pool_for` builds it once and hands the
same one to every model weighed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from upstream import __version__
from upstream.endpoints import table
from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Family
from upstream.models import (
    BenchmarkScore,
    Capability,
    Endpoint,
    Evidence,
    Finding,
    Hub,
    InventoryItem,
    ModelRef,
    Provenance,
    Report,
    RiskScore,
    ScanStats,
)
from upstream.policy.config import Policy
from upstream.policy.engine import evaluate, fails
from upstream.resolve import resolve
from upstream.weigh.capability import benchmark_unit, capability_of, model_match, task_keys
from upstream.weigh.context import WeighContext
from upstream.weigh.risk import RiskSubject, assess_risk

# Rules about how the team pins and packages the weights it runs, not about which model it runs: a candidate
# has no revision, file or artifact yet, so these say nothing about it.
PACKAGING_RULES = frozenset({"unpinned-model-revision", "unsafe-model-format", "artifact-identity-mismatch"})

# The developer's own API, where the endpoint record's operator does not start with the organisation's name.
# upstream's mapping (each id is a record of kb/data/endpoints.yaml with its own sources).
_FIRST_PARTY: dict[str, str] = {
    "google": "gemini", "meta": "meta-llama-api", "alibaba-qwen": "dashscope-intl", "zhipu": "zai",
    "moonshot": "moonshot-intl", "minimax": "minimax-global",
}
_LOCAL_RECORD = "local"
_PATH_PREFIX = "(weigh candidates)"


@dataclass(frozen=True, slots=True)
class CandidateModel:
    """A knowledge-base family as a possible replacement: who it is and how it would be served."""

    family: str
    name: str
    """The headline row's model, as its source names it"""
    reference: str
    """What was resolved: a knowledge-base model id, or the headline model's name"""
    provenance: Provenance
    endpoint: Endpoint
    capability: Capability
    headline: BenchmarkScore | None = None

    @property
    def item_id(self) -> str:
        return f"candidate:{self.family}"

    @property
    def developer(self) -> str | None:
        d = self.provenance.developer
        return d.name.split(" (")[0] if d else None

    @property
    def country(self) -> str | None:
        d = self.provenance.developer
        return d.country if d else None


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """A candidate weighed: its risk, and what the team's policy says of it."""

    candidate: CandidateModel
    risk: RiskScore
    failing: tuple[str, ...] = ()
    """Rules whose (not ignored) findings at or above the policy's fail_on fail it"""
    flagged: tuple[str, ...] = ()
    """Rules that report it below fail_on (for review)"""
    passes_policy: bool | None = None
    """None when no policy applies"""

    @property
    def family(self) -> str:
        return self.candidate.family


@dataclass(frozen=True)
class Pool:
    """Every candidate for one task, weighed under one context and one policy."""

    task: str
    entries: tuple[PoolEntry, ...]
    policy: str | None = None
    """The policy's source, when one applied"""
    by_family: dict[str, PoolEntry] = field(default_factory=dict)

    def passing(self) -> list[PoolEntry]:
        """The candidates the policy allows (all of them when no policy applies)."""
        return [e for e in self.entries if e.passes_policy is not False]


# --------------------------------------------------------------------------- candidates


def _headline(scores: Sequence[BenchmarkScore], keys: tuple[str, ...]) -> BenchmarkScore | None:
    """The family's highest score on the most primary benchmark it has (ratings only when nothing else)."""
    rank = {k: i for i, k in enumerate(keys)}
    usable = [s for s in scores if benchmark_unit(s.benchmark) == "%"] or list(scores)
    if not usable:
        return None
    return min(usable, key=lambda s: (rank.get(s.benchmark, len(rank)), -s.score, s.model))


def _strip_mode(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _reference(fam: Family, name: str | None, kb: KnowledgeBase) -> tuple[str, Provenance]:
    """The model to resolve for a family: the record naming the headline model, else its name, else the family."""
    tried: list[str] = []
    if name:
        best = max(fam.models, key=lambda m: model_match(name, m.id), default=None)
        if best is not None and model_match(name, best.id) >= 1:
            tried.append(best.id)
        tried.append(_strip_mode(name))
    tried += [m.id for m in fam.models if "/" in m.id][:1] + [m.id for m in fam.models][:1] + fam.match.prefixes[:1]
    first: tuple[str, Provenance] | None = None
    for ref in dict.fromkeys(t for t in tried if t):
        prov = resolve(ref, kb)
        first = first or (ref, prov)
        if prov.family == fam.id:
            return ref, prov
    if first is not None:
        return first
    prov = resolve(fam.id, kb)
    return fam.id, prov


def _open(prov: Provenance, name: str) -> bool:
    """Weights a team can download: open, or partly open and resolved to a published checkpoint. A model its
    source names as an API model ("yi-lightning (API)") that is no checkpoint of the knowledge base is not."""
    if prov.model is None and "api" in re.split(r"[^a-z]+", name.lower()):
        return False
    return prov.open_weights is True or (prov.open_weights == "partial" and bool(prov.model and "/" in prov.model))


def first_party_endpoint(org_id: str | None, kb: KnowledgeBase) -> Endpoint | None:
    """The developer's own API endpoint record, when the knowledge base has one."""
    if not org_id:
        return None
    tab = table()
    rid = _FIRST_PARTY.get(org_id)
    if rid is None:
        org = kb.organisations.get(org_id)
        if org is None:
            return None
        short = re.split(r" \(| / ", org.name, maxsplit=1)[0].strip().lower()
        for rec in kb.endpoints.endpoints:
            if not rec.local and rec.operator.lower().startswith(short):
                rid = rec.id
                break
    return tab.by_id(rid, implied=True) if rid else None


def serving_endpoint(prov: Provenance, kb: KnowledgeBase, name: str = "") -> Endpoint:
    """How a candidate is naturally served: self-hosted when its weights are open, else its developer's API."""
    if _open(prov, name or prov.reference):
        local = table().by_id(_LOCAL_RECORD, implied=True)
        return local or Endpoint(operator="self-hosted", local=True, implied=True)
    dev = prov.developer
    found = first_party_endpoint(dev.id if dev else None, kb)
    if found is not None:
        return found
    return Endpoint(operator=dev.name.split(" (")[0] if dev else None, implied=True)


_CANDIDATES: dict[tuple[int, str, str], tuple[KnowledgeBase, tuple[CandidateModel, ...]]] = {}


def candidates(kb: KnowledgeBase, task: str) -> list[CandidateModel]:
    """Every family with benchmark rows for the task, resolved and served its natural way (cached per kb)."""
    key = (id(kb), kb.version, task)
    hit = _CANDIDATES.get(key)
    if hit is not None and hit[0] is kb:
        return list(hit[1])
    keys = task_keys(task)
    fams = sorted({b.family for b in kb.benchmarks if b.family in kb.families})
    out = []
    for fid in fams:
        cap = capability_of(fid, None, task, kb)
        if not cap.benchmarks:
            continue
        head = _headline(cap.benchmarks, keys)
        name = head.model if head else kb.families[fid].name
        ref, prov = _reference(kb.families[fid], name, kb)
        cap = capability_of(fid, name, task, kb)
        out.append(CandidateModel(family=fid, name=name, reference=ref, provenance=prov,
                                  endpoint=serving_endpoint(prov, kb, name), capability=cap, headline=head))
    if len(_CANDIDATES) > 8:
        _CANDIDATES.clear()
    _CANDIDATES[key] = (kb, tuple(out))
    return out


# --------------------------------------------------------------------------- policy


def _item(c: CandidateModel) -> InventoryItem:
    hub: Hub = "huggingface" if "/" in c.reference and c.endpoint.local else "api"
    ev = Evidence(path=f"{_PATH_PREFIX}/{c.family}", line=None, raw=c.reference, snippet="", kind="config",
                  confidence="high", technique="other", detector="weigh")
    return InventoryItem(id=c.item_id, model=ModelRef(raw=c.reference, canonical=c.reference, hub=hub),
                         endpoint=c.endpoint, kinds=["config"], docs_only=False, confidence="high", evidence=[ev],
                         provenance=c.provenance)


def _report(items: list[InventoryItem], day: date, kb: KnowledgeBase) -> Report:
    return Report(tool_version=__version__, generated_at=f"{day.isoformat()}T00:00:00Z", root=_PATH_PREFIX,
                  inventory=items, endpoints=[], sdks=[], skipped=[], statuses=[],
                  stats=ScanStats(files_seen=0, files_scanned=0, files_skipped=0, dirs_skipped=0, bytes_read=0,
                                  seconds=0.0, jobs=1),
                  kb_version=kb.version, complete=True)


def unscoped(policy: Policy) -> Policy:
    """The policy with its rules' `paths` / `exclude_paths` lifted: a candidate could be used anywhere."""
    rules = {rid: opts.model_copy(update={"paths": (), "exclude_paths": ()}) for rid, opts in policy.rules.items()}
    return replace(policy, rules=rules)


def policy_findings(cands: Sequence[CandidateModel], policy: Policy, kb: KnowledgeBase,
                    today: date | None = None) -> list[Finding]:
    """The policy engine's findings over one synthetic report holding every candidate (packaging rules left out,
    path scopes lifted; ignores that name a model or an endpoint still apply)."""
    day = today or date.today()
    findings, _ = evaluate(_report([_item(c) for c in cands], day, kb), unscoped(policy), today=day)
    return [f for f in findings if f.rule not in PACKAGING_RULES]


def verdicts(cands: Sequence[CandidateModel], policy: Policy, kb: KnowledgeBase,
             today: date | None = None) -> dict[str, tuple[list[str], list[str]]]:
    """Per family: (rules that fail it, rules that flag it below fail_on); ignored findings count for neither."""
    ids = {c.item_id: c.family for c in cands}
    out: dict[str, tuple[list[str], list[str]]] = {c.family: ([], []) for c in cands}
    for f in policy_findings(cands, policy, kb, today):
        fam = ids.get(f.item or "")
        if fam is None or f.ignored:
            continue
        bucket = out[fam][0] if fails(f, policy.fail_on) else out[fam][1]
        if f.rule not in bucket:
            bucket.append(f.rule)
    return out


def policy_verdicts(cands: Sequence[CandidateModel], policy: Policy, kb: KnowledgeBase,
                    today: date | None = None) -> dict[str, list[str]]:
    """Failing rule ids per candidate family (empty list: the policy allows it)."""
    return {fam: failing for fam, (failing, _) in verdicts(cands, policy, kb, today).items()}


# --------------------------------------------------------------------------- the pool


def build_pool(kb: KnowledgeBase, task: str, ctx: WeighContext, policy: Policy | None = None,
               today: date | None = None) -> Pool:
    """Every candidate for the task with its risk under `ctx` and its verdict under `policy`."""
    cands = candidates(kb, task)
    verdict = verdicts(cands, policy, kb, today) if policy is not None else {}
    entries = []
    for c in cands:
        risk = assess_risk(RiskSubject(provenance=c.provenance, endpoint=c.endpoint), ctx, kb)
        failing, flagged = verdict.get(c.family, ([], []))
        entries.append(PoolEntry(candidate=c, risk=risk, failing=tuple(failing), flagged=tuple(flagged),
                                 passes_policy=None if policy is None else not failing))
    return Pool(task=task, entries=tuple(entries), policy=policy.source if policy is not None else None,
                by_family={e.family: e for e in entries})


_POOLS: dict[tuple[int, str, int, int, date | None], tuple[object, ...]] = {}


def pool_for(kb: KnowledgeBase, task: str, ctx: WeighContext, policy: Policy | None = None,
             today: date | None = None) -> Pool:
    """The pool for (kb, task, context, policy), built once and reused while those same objects are used."""
    key = (id(kb), task, id(ctx), id(policy), today)
    hit = _POOLS.get(key)
    if hit is not None and hit[0] is kb and hit[1] is ctx and hit[2] is policy and isinstance(hit[3], Pool):
        return hit[3]
    pool = build_pool(kb, task, ctx, policy, today)
    if len(_POOLS) > 8:
        _POOLS.clear()
    _POOLS[key] = (kb, ctx, policy, pool)
    return pool


__all__ = [
    "PACKAGING_RULES", "CandidateModel", "Pool", "PoolEntry", "build_pool", "candidates", "first_party_endpoint",
    "policy_findings", "policy_verdicts", "pool_for", "serving_endpoint", "unscoped", "verdicts",
]
