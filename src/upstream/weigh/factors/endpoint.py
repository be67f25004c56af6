"""endpoint: who operates the endpoint serving the model, where it is domiciled and where it processes prompts."""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.models import Endpoint, RiskFactor, SourceRef
from upstream.policy.facts import served_label
from upstream.policy.processing import processing
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


def state_access_countries(kbv: KbView) -> dict[str, list[str]]:
    """Country -> ids of the state-access measures that bind organisations domiciled there."""
    found = kbv.memo.get("state-access")
    if found is None:
        found = kbv.memo["state-access"] = {
            c: [m.id for m in ms if m.id in J.STATE_ACCESS_MEASURES] for c, ms in kbv.by_domicile.items()
            if any(m.id in J.STATE_ACCESS_MEASURES for m in ms)}
    assert isinstance(found, dict)
    return found


def endpoint_factor(subject: RiskSubject, ctx: WeighContext, kb: KnowledgeBase) -> RiskFactor:
    """Self-hosted is low; a remote operator counts by its domicile, its parent's and where it processes prompts,
    scaled by how sensitive the team's data is. An unknown serving path is unknown."""
    fid = "endpoint"
    ep = subject.endpoint or (subject.provenance.endpoint if subject.provenance else None)
    if ep is None:
        return unknown(fid, ctx, "serving path unknown: the code names no endpoint for this model")
    kbv = view(kb)
    sources = _sources(ep, kbv)
    if ep.local:
        return make(fid, ctx, J.SELF_HOSTED, "known",
                    f"self-hosted ({served_label(ep)}): prompts stay on the team's own machines",
                    [f"local endpoint{' at ' + ep.host if ep.host else ''}"], sources)
    if not ep.operator and not ep.operator_id:
        if not ep.host:
            return unknown(fid, ctx, "remote endpoint of unknown operator and host")
        scale = J.SENSITIVITY_SCALE.get(ctx.data_sensitivity, 1.0)
        value = J.UNKNOWN_OPERATOR * scale
        return make(fid, ctx, value, "partial",
                    f"{ep.host}: no endpoint record names its operator or where it processes prompts",
                    [f"host {ep.host} is not in the knowledge base's endpoint records",
                     f"data sensitivity {ctx.data_sensitivity} scales the concern by {scale}"])
    return _remote(ep, ctx, kbv, sources)


def _remote(ep: Endpoint, ctx: WeighContext, kbv: KbView, sources: list[SourceRef]) -> RiskFactor:
    places = team_places(ctx)
    mult = sector_multiplier(ctx)
    state = state_access_countries(kbv)
    proc = processing(ep)
    comps: list[float] = [J.REMOTE_BASE]
    details = [f"operator: {ep.operator or ep.operator_id} ({ep.operator_country or 'country unknown'}"
               + (f", parent {ep.parent_country}" if ep.parent_country else "") + ")",
               f"data processing (per the KB): {ep.data_processing or 'not recorded'}"]
    if ep.implied:
        details.append("not written in the code: the default endpoint of the SDK or route")
    why: list[str] = ["remote operator"]

    def foreign(c: str | None) -> bool:
        return c is not None and not in_places(c, places)

    proc_state = [c for c in proc.countries if c in state and foreign(c)]
    if proc_state:
        comps.append(min(1.0, J.PROCESSING_IN_STATE_ACCESS * mult))
        why.append(f"prompts processed in {', '.join(proc_state)} (state-access law)")
    elif ep.operator_country in state and foreign(ep.operator_country):
        comps.append(min(1.0, J.OPERATOR_IN_STATE_ACCESS * mult))
        why.append(f"operator domiciled in {ep.operator_country} (state-access law)")
    elif ep.parent_country in state and foreign(ep.parent_country):
        comps.append(min(1.0, J.PARENT_IN_STATE_ACCESS * mult))
        why.append(f"operator's parent domiciled in {ep.parent_country} (state-access law)")
    for c in dict.fromkeys([*proc_state, ep.operator_country, ep.parent_country]):
        if c in state and foreign(c):
            sources += kbv.cite(m_src for mid in state[c] for m_src in _measure_sources(kbv, mid))
    if places:
        outside = [c for c in proc.countries if not in_places(c, places)]
        if outside or (not proc.documented and foreign(ep.operator_country)):
            comps.append(J.FOREIGN_PROCESSING)
            why.append(f"outside {', '.join(ctx.operates_in)}")
            details.append(f"processing or operator outside the team's countries ({', '.join(ctx.operates_in)}), "
                           f"counts {pct(J.FOREIGN_PROCESSING)}")
    if not proc.documented:
        undocumented = (J.UNDOCUMENTED_PROCESSING_REGULATED_DATA
                        if ctx.data_sensitivity in J.SENSITIVITY_FLOOR_FOR_REGULATED_DATA
                        else J.UNDOCUMENTED_PROCESSING)
        comps.append(undocumented)
        why.append("processing location undocumented")
        details.append(f"processing location not documented, counts {pct(undocumented)}")
    elif proc.elsewhere:
        comps.append(J.PROCESSING_ELSEWHERE_TOO)
        details.append(f"processing may also happen outside {', '.join(proc.countries)}")
    if proc.documented and not proc.verified:
        details.append("the knowledge base marks the processing location unverified")
    scale = J.SENSITIVITY_SCALE.get(ctx.data_sensitivity, 1.0)
    value = noisy_or(comps) * scale
    details.append(f"data sensitivity {ctx.data_sensitivity} scales the concern by {scale}")
    known = ep.operator_country is not None and proc.documented
    reason = f"{served_label(ep)}: " + ", ".join(why)
    return make("endpoint", ctx, value, "known" if known else "partial", reason, details, sources)


def _measure_sources(kbv: KbView, measure_id: str) -> list[str]:
    key = ("measure-sources", measure_id)
    found = kbv.memo.get(key)
    if found is None:
        found = kbv.memo[key] = next((list(m.sources) for m in kbv.kb.measures if m.id == measure_id), [])
    assert isinstance(found, list)
    return found


def _sources(ep: Endpoint, kbv: KbView) -> list[SourceRef]:
    key = ("ep-sources", ep.operator_id)
    found = kbv.memo.get(key)
    if found is None:
        rec = next((r for r in kbv.kb.endpoints.endpoints if r.id == ep.operator_id), None)
        found = kbv.memo[key] = kbv.cite_endpoint(rec.sources) if rec else []
    assert isinstance(found, list)
    return list(found)
