"""Facts the bill-of-materials formats (CycloneDX, SPDX, HTML) share, read from one inventory item.

Who made the weights (developer), who runs the endpoint (operator) and who hands the model over
(supplier: the API operator for a remote endpoint, else the hub the weights come from) are kept apart
here once, so every format maps them the same way. `properties` lists the `upstream:*` name/value
pairs for facts the standards have no field for.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from packageurl import PackageURL

from upstream.artifacts.types import ArtifactCard
from upstream.models import InventoryItem, OrgRef, Provenance, Report

_HF_ID = re.compile(r"^(?:([A-Za-z0-9][\w.-]{0,95})/)?([A-Za-z0-9][\w.-]{0,95})$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
# Hubs that distribute weights; their country is not asserted (no knowledge-base record).
_HUB_NAMES = {"huggingface": ("Hugging Face", "https://huggingface.co"), "ollama": ("Ollama", "https://ollama.com")}


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation in one role: developer, operator or host."""

    key: str
    name: str
    country: str | None
    role: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Ancestor:
    """One lineage edge, `child` derived from `model` by `relation`."""

    model: str
    child: str
    relation: str
    inferred: bool
    root: bool
    developer: OrgRef | None


def iso_z(ts: str) -> str:
    """`2025-01-02T03:04:05+00:00` -> `2025-01-02T03:04:05Z` (UTC, seconds), the form SPDX requires."""
    try:
        dt = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        dt = datetime(1970, 1, 1, tzinfo=UTC)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_uuid(report: Report) -> uuid.UUID:
    """Stable for one report (converting a saved report twice gives the same ids), distinct across scans."""
    seed = "\0".join([report.tool_version, report.generated_at, report.root, *(i.id for i in report.inventory)])
    return uuid.uuid5(uuid.NAMESPACE_URL, "upstream:" + hashlib.sha256(seed.encode()).hexdigest())


def hf_purl(item: InventoryItem) -> str | None:
    """`pkg:huggingface/org/name@rev` (purl-spec huggingface type) for a Hugging Face model id."""
    if item.model.hub != "huggingface":
        return None
    m = _HF_ID.match(item.model.canonical)
    if not m:
        return None
    return PackageURL(type="huggingface", namespace=m.group(1), name=m.group(2),
                      version=item.model.revision or None).to_string()


def developer(item: InventoryItem) -> Party | None:
    prov = item.provenance
    if prov is None or prov.developer is None:
        return None
    return Party(f"org:{prov.developer.id}", prov.developer.name, prov.developer.country, "developer")


def operator(item: InventoryItem) -> Party | None:
    ep = item.endpoint or (item.provenance.endpoint if item.provenance else None)
    if ep is None or not (ep.operator or ep.host):
        return None
    name = ep.operator or ep.host or ""
    key = f"operator:{ep.operator_id or name}"
    return Party(key, name, ep.operator_country, "operator", ep.url)


def supplier(item: InventoryItem) -> Party | None:
    """Who hands the model over: the operator of a remote endpoint, else the hub the weights come from."""
    op = operator(item)
    ep = item.endpoint
    if op is not None and ep is not None and not ep.local:
        return op
    hub = _HUB_NAMES.get(item.model.hub)
    if hub:
        return Party(f"host:{item.model.hub}", hub[0], None, "host", hub[1])
    return None


def download_location(item: InventoryItem) -> str | None:
    """Where the weights can be downloaded from."""
    ref = item.model
    if ref.hub == "huggingface" and _HF_ID.match(ref.canonical):
        return f"https://huggingface.co/{ref.canonical}" + (f"/tree/{ref.revision}" if ref.revision else "")
    if ref.hub == "ollama":
        name = ref.canonical.split(":", 1)[0]
        return f"https://ollama.com/{'library/' if '/' not in name else ''}{name}"
    return None  # an API model has no download; its endpoint is a separate fact


def version(item: InventoryItem) -> str | None:
    """The pinned revision, or the tag of an Ollama reference."""
    if item.model.revision:
        return item.model.revision
    if item.model.hub == "ollama" and ":" in item.model.canonical:
        return item.model.canonical.split(":", 1)[1]
    return None


def ancestors(prov: Provenance | None) -> list[Ancestor]:
    """Every lineage edge, parents in the order met; roots flagged and carrying their developer."""
    if prov is None:
        return []
    roots = {r.model: r for r in prov.roots}
    out: list[Ancestor] = []
    seen: set[tuple[str, str]] = set()
    for edge in prov.lineage:
        if (edge.child, edge.parent) in seen:
            continue
        seen.add((edge.child, edge.parent))
        root = roots.get(edge.parent)
        out.append(Ancestor(edge.parent, edge.child, edge.relation, edge.inferred, root is not None,
                            root.developer if root else None))
    return out


def display_name(model: str) -> str:
    return model.removeprefix("family:") + (" (family)" if model.startswith("family:") else "")


@dataclass(frozen=True, slots=True)
class KbFacts:
    """Facts the knowledge base holds that the Report does not carry (yet)."""

    released: str | None = None
    architectures: tuple[str, ...] = ()
    model_type: str | None = None


def kb_facts(report: Report, item: InventoryItem) -> KbFacts:
    """Release date and architectures from the embedded knowledge base the report was made with.

    Nothing when the report was made with another knowledge base: its facts may not match.
    """
    prov = item.provenance
    if prov is None or prov.family is None or report.kb_version is None:
        return KbFacts()
    from upstream.kb.loader import default_kb

    kb = default_kb()
    fam = kb.families.get(prov.family) if kb.version == report.kb_version else None
    if fam is None:
        return KbFacts()
    released = fam.first_release
    for rec in fam.models:
        if prov.model and rec.id == prov.model and rec.released:
            released = str(rec.released)
    return KbFacts(released, tuple(fam.hf_architectures), fam.model_type)


def release_time(date: str | None) -> str | None:
    """A possibly partial date as an SPDX dateTimeStamp (missing month/day -> the first)."""
    m = _DATE.match(date or "")
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}T00:00:00Z"


def artifact_for(report: Report, item: InventoryItem) -> ArtifactCard | None:
    """The artifact card of a model file the item's evidence points at."""
    paths = {e.path for e in item.evidence if e.kind == "artifact"}
    for card in report.artifacts:
        if card.path in paths or any(p.startswith(card.path.rstrip("/") + "/") for p in paths):
            return card
    return None


def properties(report: Report, item: InventoryItem) -> list[tuple[str, str]]:
    """`upstream:*` name/value pairs for what the standards have no field for (names may repeat)."""
    out: list[tuple[str, str]] = [("upstream:item-id", item.id), ("upstream:reference", item.model.raw),
                                  ("upstream:hub", item.model.hub)]
    if item.model.provider:
        out.append(("upstream:provider", item.model.provider))
    out.append(("upstream:evidence-kinds", ",".join(item.kinds)))
    out.append(("upstream:confidence", item.confidence))
    if item.docs_only:
        out.append(("upstream:docs-only", "true"))
    prov = item.provenance
    if prov is not None:
        out += [("upstream:provenance-status", prov.status), ("upstream:provenance-confidence", f"{prov.confidence:g}")]
        if prov.family_name:
            out.append(("upstream:model-family", prov.family_name))
        if prov.developer is not None:
            out.append(("upstream:developer", prov.developer.name))
            out.append(("upstream:developer-country", prov.developer.country or "unknown"))
            out += [("upstream:developer-listing", x) for x in prov.developer.listings]
        for root in prov.roots:
            country = root.developer.country if root.developer and root.developer.country else "unknown"
            out.append(("upstream:root", f"{display_name(root.model)} ({country})"))
        if prov.licence is not None:
            out.append(("upstream:licence", prov.licence.spdx or prov.licence.id))
            out.append(("upstream:licence-category", prov.licence.category))
            for r in prov.licence.restrictions:
                where = f" [{', '.join(r.territories)}]" if r.territories else ""
                out.append(("upstream:licence-restriction", f"{r.kind}: {r.text}{where}"))
        out += [("upstream:other-licence", lic.spdx or lic.id) for lic in prov.other_licences]
        if prov.open_weights is not None:
            out.append(("upstream:open-weights", str(prov.open_weights).lower()))
        if prov.training_data is not None:
            out.append(("upstream:training-data-disclosure", prov.training_data.level))
        out += [("upstream:jurisdiction-note", f"{n.name} ({n.why})") for n in prov.jurisdiction_notes]
        if prov.quantization:
            out.append(("upstream:quantization", prov.quantization))
        if prov.checked:
            out.append(("upstream:checked", prov.checked))
        out += [("upstream:unverified", u) for u in prov.unverified]
        out.append(("upstream:kb-version", prov.kb_version))
    ep = item.endpoint
    if ep is not None:
        if ep.operator:
            out.append(("upstream:operator", ep.operator))
        out.append(("upstream:operator-country", ep.operator_country or ("local" if ep.local else "unknown")))
        if ep.parent_country and ep.parent_country != ep.operator_country:
            out.append(("upstream:operator-parent-country", ep.parent_country))
        if ep.data_processing:
            out.append(("upstream:data-processing", ep.data_processing))
        if ep.url:
            out.append(("upstream:endpoint-url", ep.url))
        out.append(("upstream:endpoint-local", str(ep.local).lower()))
        if ep.implied:
            out.append(("upstream:endpoint-implied", "true"))
    for f in report.findings:
        if f.item == item.id:
            state = f" (ignored: {f.ignore_reason})" if f.ignored else ""
            out.append(("upstream:finding", f"{f.severity} {f.rule}: {f.message}{state}"))
    return out
