"""supply-chain: unknown provenance, unpinned hub revisions, and what `upstream inspect` found in the model files."""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.models import RiskFactor, RiskStatus
from upstream.weigh.context import WeighContext
from upstream.weigh.factors import judgement as J
from upstream.weigh.factors.common import make, noisy_or, pct
from upstream.weigh.factors.subject import RiskSubject


def supply_chain_factor(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """Independent concerns combined: whose weights, pinned or not, safe to load, consistent with their name."""
    fid = "supply-chain"
    prov = subject.provenance
    comps: list[tuple[float, str]] = []
    details: list[str] = []
    if prov is None or prov.status == "unknown":
        comps.append((J.PROVENANCE_UNKNOWN, "provenance unknown"))
    elif prov.status == "partial":
        comps.append((J.PROVENANCE_PARTIAL, "provenance partial"))
    else:
        details.append(f"provenance known ({prov.model or prov.family_name or prov.normalized})")
    if subject.revision_pinned is False:
        comps.append((J.UNPINNED_REVISION, "hub download not pinned to a revision"))
    elif subject.revision_pinned:
        details.append("hub download pinned to a revision")
    for card in subject.artifacts:
        s = card.safety
        if s.verdict == "dangerous":
            comps.append((J.UNSAFE_DANGEROUS, f"{card.path} ({s.format}) runs code when loaded"))
        elif s.verdict == "review":
            comps.append((J.UNSAFE_REVIEW, f"{card.path} ({s.format}) needs review before loading"))
        elif s.executes_code:
            comps.append((J.EXECUTES_CODE, f"{card.path} ({s.format}) is a format that can run code"))
        mismatch = [f for f in card.findings if f.id in J.IDENTITY_MISMATCH_FINDINGS]
        if mismatch:
            comps.append((J.IDENTITY_MISMATCH, f"{card.path}: {mismatch[0].message}"))
        if not card.complete or any(not f.complete for f in card.files):
            comps.append((J.INCOMPLETE_ARTIFACT, f"{card.path} is incomplete"))
        if s.verdict == "safe" and not mismatch:
            details.append(f"{card.path} ({s.format}): safe to load, identity consistent")
    details = [f"{what}, counts {pct(v)}" for v, what in comps] + details
    value = noisy_or(v for v, _ in comps)
    weights_reach_team = subject.endpoint is None or subject.endpoint.local or bool(subject.artifacts) \
        or subject.revision_pinned is not None
    checked_files = bool(subject.artifacts) or subject.revision_pinned is not None
    if comps:
        reason = "; ".join(what for _, what in sorted(comps, key=lambda c: -c[0])[:3])
    elif checked_files:
        reason = "provenance known, files checked: nothing found"
    else:
        reason = "provenance known" + ("; no model file inspected and pinning not known" if weights_reach_team
                                       else "; served by an API, no weights reach the team")
    status: RiskStatus = "known" if checked_files or not weights_reach_team else "partial"
    return make(fid, ctx, value, status, reason, details)
