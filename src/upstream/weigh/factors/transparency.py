"""transparency: how much the developer discloses about training data, and its transparency-index score."""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.models import RiskFactor
from upstream.policy.facts import short_name
from upstream.weigh.context import WeighContext
from upstream.weigh.factors import judgement as J
from upstream.weigh.factors.common import make, pct, unknown, view
from upstream.weigh.factors.subject import RiskSubject


def transparency_factor(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """The mean of the training-data disclosure level and the FMTI score (latest edition), as far as known."""
    fid = "transparency"
    prov = subject.provenance
    if prov is None:
        return unknown(fid, ctx, "model not identified: its disclosures cannot be looked up")
    kbv = view(kb)
    parts: list[float] = []
    said: list[str] = []
    details: list[str] = []
    source_ids: list[str] = []
    level = prov.training_data.level if prov.training_data else "unknown"
    if level in J.DISCLOSURE:
        v = J.DISCLOSURE[level]
        parts.append(v)
        said.append(f"training data disclosed at level '{level}'")
        note = f" ({prov.training_data.note})" if prov.training_data and prov.training_data.note else ""
        details.append(f"training-data disclosure: {level}{note}, counts {pct(v)}")
        fam = kb.families.get(prov.family or "")
        source_ids += fam.sources if fam else []
    else:
        details.append("training-data disclosure: unknown")
    dev = prov.developer
    if dev is not None and dev.transparency:
        edition = max(dev.transparency)
        score = dev.transparency[edition]
        v = (100.0 - score) / 100.0
        parts.append(v)
        said.append(f"FMTI {edition}: {score:g}/100")
        details.append(f"{short_name(dev.name)}: Foundation Model Transparency Index {edition} score {score:g}/100, "
                       f"counts {pct(v)}")
        rec = kbv.organisation(dev.id)
        if rec is not None:
            source_ids += [s for t in rec.transparency if t.edition == edition for s in t.sources]
        source_ids += kbv.fmti_sources
    else:
        who = short_name(dev.name) if dev else "the developer"
        details.append(f"{who}: no Foundation Model Transparency Index score in the knowledge base")
    if not parts:
        return unknown(fid, ctx, "training-data disclosure and transparency-index score both unknown", details)
    value = sum(parts) / len(parts)
    who = short_name(dev.name) if dev else "developer unknown"
    return make(fid, ctx, value, "known" if len(parts) == 2 else "partial", f"{who}: " + "; ".join(said), details,
                kbv.cite(dict.fromkeys(source_ids)))
