"""licence: the restriction classes of the model's licence read against where the team operates, its scale and uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from upstream.kb.loader import KnowledgeBase
from upstream.models import LicenceInfo, RestrictionInfo, RiskFactor
from upstream.policy.facts import expand
from upstream.weigh.context import WeighContext
from upstream.weigh.factors import judgement as J
from upstream.weigh.factors.common import KbView, make, noisy_or, pct, team_places, unknown, view
from upstream.weigh.factors.subject import RiskSubject

_SCALE = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
_THRESHOLD_RE = re.compile(
    r"(?:USD\s*)?(\d+(?:\.\d+)?)\s*([KMB]?)\s+(monthly active users|daily active users|annual revenue|monthly revenue)",
    re.IGNORECASE)
_SERVICE_WORDS = ("service provider", "cloud-service", "software-service", "saas", "hosting")
_PHRASES = {
    "attribution": "attribution duty", "naming": "naming duty", "export-control": "export-control terms",
    "application-required": "commercial use needs an application", "revocable": "the licence can be revoked",
    "guardrails": "rights end if guardrails are bypassed", "terms-may-change": "the terms may change",
}


@dataclass(frozen=True)
class Threshold:
    """One limit read from a restriction's threshold text, e.g. 700M monthly active users."""

    amount: float
    unit: str


def thresholds(text: str | None) -> list[Threshold]:
    """The limits a threshold text states ("100M monthly active users or USD 20M monthly revenue")."""
    return [Threshold(float(n) * _SCALE[s.upper()], u.lower()) for n, s, u in _THRESHOLD_RE.findall(text or "")]


def _cap(r: RestrictionInfo, ctx: WeighContext) -> tuple[float, str]:
    limits = thresholds(r.threshold)
    mau = ctx.monthly_active_users
    what = r.threshold or "a threshold the knowledge base does not record"
    if not limits:
        return J.CAP_UNKNOWN, f"{r.kind} at {what}: cannot be compared with the team's scale"
    verdicts: list[bool | None] = []
    for t in limits:
        if t.unit == "monthly active users" and mau is not None:
            verdicts.append(mau > t.amount)
        elif t.unit == "daily active users" and mau is not None and mau <= t.amount:
            verdicts.append(False)  # daily users never exceed monthly users
        else:
            verdicts.append(None)
    if any(v is True for v in verdicts):
        return J.CAP_EXCEEDED, f"{r.kind} at {what}: the team's {mau:,} monthly active users exceed it"
    if all(v is False for v in verdicts):
        return 0.0, f"{r.kind} at {what}: does not bind at {mau:,} monthly active users"
    missing = "monthly active users not declared" if mau is None else "the team's revenue or daily users not known"
    large = all(t.unit.endswith("users") and t.amount >= J.CAP_LARGE_USERS for t in limits)
    return (J.CAP_UNKNOWN_LARGE if large else J.CAP_UNKNOWN), f"{r.kind} at {what}: cannot tell ({missing})"


def restriction_value(r: RestrictionInfo, ctx: WeighContext) -> tuple[float, str]:
    """How much one restriction weighs for this team, and why."""
    uses = set(ctx.uses)
    sensitive = sorted(uses & set(J.SENSITIVE_USES))
    if r.kind == "territory-exclusion":
        places = team_places(ctx)
        excluded = ", ".join(r.territories) or "some territories"
        if not places:
            value, note = J.TERRITORY_UNDECLARED, f"excludes {excluded}; the team has not declared where it operates"
        elif expand(r.territories) & places:
            value, note = J.TERRITORY_EXCLUDED, f"excludes {excluded}, where the team operates"
        else:
            value, note = 0.0, f"excludes {excluded}, not where the team operates"
    elif r.kind in ("user-cap", "revenue-cap"):
        value, note = _cap(r, ctx)
    elif r.kind == "non-commercial":
        research = "research" in uses and "commercial" not in uses
        value = J.NON_COMMERCIAL_RESEARCH if research else J.NON_COMMERCIAL_BINDS
        note = "non-commercial only" + (": the team declares research use" if research else "")
    elif r.kind == "field-of-use":
        if "hosted-service" in uses and any(w in r.text.lower() for w in _SERVICE_WORDS):
            value, note = J.HOSTED_SERVICE_EXCLUDED, "field-of-use terms exclude service providers; the team " \
                                                     "offers a hosted service"
        elif sensitive:
            value, note = J.FIELD_OF_USE_SENSITIVE, f"use-based restrictions may cover the declared use " \
                                                    f"{', '.join(sensitive)}"
        else:
            value, note = J.FIELD_OF_USE, "use-based restrictions"
    elif r.kind == "acceptable-use":
        value = J.ACCEPTABLE_USE_SENSITIVE if sensitive else J.ACCEPTABLE_USE
        note = "acceptable-use policy" + (f" may cover the declared use {', '.join(sensitive)}" if sensitive else "")
    elif r.kind == "no-training-other-models":
        binds = "train-other-models" in uses
        value = J.NO_TRAINING_OTHER_MODELS_BINDS if binds else J.NO_TRAINING_OTHER_MODELS
        note = "no training of other models" + (": the team declares it does" if binds else "")
    elif r.kind == "derivatives-carry-terms":
        binds = bool(uses & {"modify-weights", "redistribute-weights"})
        value = J.DERIVATIVES_CARRY_TERMS_BINDS if binds else J.DERIVATIVES_CARRY_TERMS
        note = "derivatives carry the terms" + (": the team modifies or redistributes weights" if binds else "")
    else:
        value = J.RESTRICTION_CLASS.get(r.kind, J.RESTRICTION_CLASS["other"])
        note = _PHRASES.get(r.kind, f"{r.kind} restriction")
        if r.threshold:
            note += f" (above {r.threshold})"
    if r.unverified and value:
        value *= J.UNVERIFIED_RESTRICTION
        note += " (unverified in the KB)"
    return value, note


def _category_value(lic: LicenceInfo, ctx: WeighContext) -> float | None:
    if lic.category in ("non-commercial", "research-only") and "research" in ctx.uses and "commercial" not in ctx.uses:
        return J.NON_COMMERCIAL_RESEARCH
    return J.LICENCE_CATEGORY.get(lic.category)


def _declared_licence(subject: RiskSubject, kbv: KbView) -> LicenceInfo | None:
    """A licence a model file declares, when the knowledge base has that licence."""
    for card in subject.artifacts:
        if not card.license:
            continue
        want = card.license.strip().lower()
        for rec in kbv.kb.licences.values():
            if want in (rec.id, (rec.spdx or "").lower()):
                return LicenceInfo(id=rec.id, name=rec.name, url=rec.url, spdx=rec.spdx, category=rec.category,
                                   restrictions=[RestrictionInfo(kind=x.kind, text=x.text,
                                                                 territories=list(x.territories),
                                                                 threshold=x.threshold, unverified=x.unverified)
                                                 for x in rec.restrictions])
    return None


def licence_factor(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """Territory exclusions against where the team operates, caps against its scale, use terms against its uses."""
    fid = "licence"
    kbv = view(kb)
    prov = subject.provenance
    lic = prov.licence if prov else None
    declared = False
    if lic is None:
        lic = _declared_licence(subject, kbv)
        declared = lic is not None
    if lic is None:
        return unknown(fid, ctx, "licence unknown: its restrictions cannot be checked")
    base = _category_value(lic, ctx)
    if base is None:
        return unknown(fid, ctx, f"{lic.name}: licence terms not recorded (category {lic.category})")
    scored = [(*restriction_value(r, ctx), r) for r in lic.restrictions]
    value = noisy_or([base, *(v for v, _, _ in scored)])
    details = [f"{lic.name}: {lic.category}, counts {pct(base)} before its restrictions"]
    details += [f"{r.kind}: {note}, counts {pct(v)}" for v, note, r in scored]
    if not ctx.uses:
        details.append("no uses declared ([weigh] uses): terms read as for commercial use")
    partial = declared or any(r.unverified for r in lic.restrictions)
    if prov is not None and prov.model is None and prov.other_licences:
        partial = True
        details.append("only the family is known; other licences in the family: "
                       + ", ".join(o.name for o in prov.other_licences))
    if declared:
        details.append("licence as declared by the model file, not from the knowledge base's model record")
    rec = kb.licences.get(lic.id)
    if rec is not None:
        partial = partial or bool(rec.unverified)
    source_ids = [*(rec.sources if rec else []), *(s for x in (rec.restrictions if rec else []) for s in x.sources)]
    binding = sorted(((v, note) for v, note, _ in scored if v > 0), key=lambda t: -t[0])
    if binding:
        reason = f"{lic.name}: " + "; ".join(note for _, note in binding[:2])
    elif base > 0:
        reason = f"{lic.name}: {lic.category} licence"
    else:
        reason = f"{lic.name}: {lic.category}, no restriction binds the team"
    return make(fid, ctx, value, "partial" if partial else "known", reason, details,
                kbv.cite(dict.fromkeys(source_ids)))
