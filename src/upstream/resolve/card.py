"""The provenance card: a Provenance as text for a terminal, every fact followed by its source and date."""

from __future__ import annotations

from upstream.resolve.types import LineageEdge, OrgRef, Provenance, SourceRef

_ARROW = {"finetune": "fine-tuned from", "continued-pretraining": "continued pretraining of",
          "distilled": "distilled from (teacher)", "merge": "merge including", "adapter": "adapter on",
          "quantized": "quantized from", "repackaged": "repackaged from", "unknown": "derived from"}


def _cite(sources: list[SourceRef], limit: int = 3) -> str:
    parts = [f"{s.id}{' ' + s.date if s.date else ''}" for s in sources[:limit]]
    more = len(sources) - limit
    return "[" + "; ".join(parts) + (f"; +{more}" if more > 0 else "") + "]" if parts else ""


def _tree(p: Provenance) -> list[str]:
    children: dict[str, list[LineageEdge]] = {}
    for e in p.lineage:
        children.setdefault(e.child.lower(), []).append(e)
    start = p.lineage[0].child if p.lineage else (p.model or p.normalized)
    lines = [f"  {start}"]
    seen: set[str] = set()

    def walk(node: str, depth: int) -> None:
        if node.lower() in seen or depth > 12:
            return
        seen.add(node.lower())
        for e in children.get(node.lower(), []):
            flags = " (inferred from the name)" if e.inferred else (" (unverified)" if e.unverified else "")
            lines.append(f"  {'    ' * depth}└─ {_ARROW[e.relation]} {e.parent}{flags} {_cite(e.sources, 2)}".rstrip())
            walk(e.parent, depth + 1)

    walk(start, 0)
    return lines


def _who(org: OrgRef | None) -> str:
    return f"{org.name.split(' (')[0]}, {org.country or '?'}" if org else "developer unknown"


def render_card(p: Provenance) -> str:
    """A human-readable provenance card."""
    out = [f"{p.reference}", f"  status: {p.status} (confidence {p.confidence:.2f}); knowledge base {p.kb_version}"]
    if p.normalized != p.reference:
        out.append(f"  read as: {p.normalized}")
    if p.family:
        out.append(f"  family: {p.family_name} ({p.family}){'; model ' + p.model if p.model else ''}")
    d = p.developer
    if d:
        out.append(f"\nDeveloper: {d.name}")
        also = f" (also {', '.join(d.other_countries)})" if d.other_countries else ""
        out.append(f"  country: {d.country or 'unknown'}{also}; type: {d.type}")
        if d.ownership:
            out.append(f"  ownership: {d.ownership}")
        if d.state_ties:
            out.append(f"  state ties: {d.state_ties}")
        for li in d.listings:
            out.append(f"  listed: {li}")
        if d.transparency:
            out.append("  transparency (FMTI): " + ", ".join(f"{k}: {v:g}" for k, v in sorted(d.transparency.items())))
    else:
        out.append("\nDeveloper: unknown")
    if p.jurisdiction_notes:
        out.append("\nJurisdiction notes:")
        for n in p.jurisdiction_notes:
            out.append(f"  - [{n.jurisdiction}] {n.name} — {n.why}. {_cite(n.sources, 2)}")
    if p.licence:
        lic = p.licence
        out.append(f"\nLicence: {lic.name}{' (' + lic.applies_to + ')' if lic.applies_to else ''}"
                   f"{' <' + lic.url + '>' if lic.url else ''}")
        for r in lic.restrictions:
            extra = f" [{', '.join(r.territories)}]" if r.territories else ""
            out.append(f"  - {r.kind}{extra}: {r.text}{' (unverified)' if r.unverified else ''}")
        for other in p.other_licences:
            scope = f" ({other.applies_to})" if other.applies_to else ""
            out.append(f"  also in this family: {other.name}{scope}")
    if p.open_weights is not None:
        out.append(f"Open weights: {p.open_weights}")
    if p.training_data:
        note = f" — {p.training_data.note}" if p.training_data.note else ""
        out.append(f"Training-data disclosure: {p.training_data.level}{note}")
    out.append("\nLineage:")
    out += _tree(p)
    if p.roots:
        out.append("  roots: " + "; ".join(f"{r.model} ({_who(r.developer)})" for r in p.roots))
    ep = p.endpoint
    out.append("\nServed by (operator, kept apart from the developer):")
    if ep:
        where = ep.data_processing or "not documented"
        out.append(f"  {ep.operator or ep.operator_id or ep.host or '?'} ({ep.operator_country or '?'})"
                   f"{' — implied by the route' if ep.implied else ''}; data processing: {where}")
    else:
        out.append("  not stated in the reference")
    if p.candidates:
        out.append("\nOther candidates:")
        out += [f"  - {c.model or c.family} ({c.confidence:.2f}): {c.reason}" for c in p.candidates]
    if p.unverified:
        out.append("\nUnverified:")
        out += [f"  - {u}" for u in p.unverified]
    if p.sources:
        out.append("\nSources (checked " + (p.checked or "?") + "):")
        out += [f"  [{s.id}] {s.title}{' (' + s.date + ')' if s.date else ''}{' <' + s.url + '>' if s.url else ''}"
                for s in p.sources]
    if p.status == "unknown":
        out.append("\nTried:")
        out += [f"  - {t}" for t in p.tried]
    return "\n".join(out) + "\n"
