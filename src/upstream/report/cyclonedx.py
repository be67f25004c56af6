"""CycloneDX 1.6 ML-BOM (JSON) through cyclonedx-python-lib.

One `machine-learning-model` component per inventory item: `pkg:huggingface/...` purl where it applies,
the developer as `manufacturer`, the supplier (API operator, else the hub) as `supplier`, lineage in
`pedigree.ancestors`, evidence occurrences with file and line, and `upstream:*` properties for the rest.
A weighed report adds capability (cited benchmarks, measured pass@1) as the model card's performance metrics.
Remote endpoints become `services` (with the data-processing location); AI SDKs become `library`
components. The library has no model card yet, so `modelCard` is added to the serialised JSON.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from cyclonedx.model import DataClassification, DataFlow, ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.component_evidence import (
    AnalysisTechnique,
    ComponentEvidence,
    Identity,
    IdentityField,
    Method,
    Occurrence,
)
from cyclonedx.model.contact import OrganizationalEntity, PostalAddress
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseAcknowledgement
from cyclonedx.model.service import Service
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from upstream.models import Assessment, Evidence, InventoryItem, LicenceInfo, Report
from upstream.report import facts
from upstream.report.facts import Party
from upstream.report.weigh_text import capability_runs, run_label, scope_label, score_text, source_kind

_CONFIDENCE = {"high": Decimal("0.9"), "medium": Decimal("0.6"), "low": Decimal("0.3")}
_TASKS = {"ForCausalLM": "text-generation",
          "ForSequenceClassification": "text-classification", "ForMaskedLM": "fill-mask",
          "Model": "feature-extraction"}


def _org(party: Party | None) -> OrganizationalEntity | None:
    if party is None:
        return None
    address = PostalAddress(country=party.country) if party.country else None
    urls = [XsUri(party.url)] if party.url else None
    return OrganizationalEntity(name=party.name, address=address, urls=urls)


def _licence(lic: LicenceInfo) -> License:
    url = XsUri(lic.url) if lic.url else None
    ack = LicenseAcknowledgement.DECLARED
    if lic.spdx and "LicenseRef" not in lic.spdx and " " not in lic.spdx:
        return DisjunctiveLicense(id=lic.spdx, url=url, acknowledgement=ack)
    return DisjunctiveLicense(name=lic.name, url=url, acknowledgement=ack)


def _occurrence(ev: Evidence, ref: str) -> Occurrence:
    context = f"{ev.kind}, {ev.detector}: {ev.snippet}"
    if ev.cell is not None:
        context = f"notebook cell {ev.cell}; " + context
    # An explicit bom-ref: the library sorts occurrences by it first, and unset refs do not order.
    return Occurrence(bom_ref=ref, location=ev.path, line=ev.line, offset=ev.column, symbol=ev.raw,
                      additional_context=context)


def _evidence(item: InventoryItem) -> ComponentEvidence:
    methods = sorted({(e.technique, e.confidence) for e in item.evidence})
    identity = Identity(field=IdentityField.NAME, confidence=_CONFIDENCE[item.confidence],
                        concluded_value=item.model.canonical,
                        methods=[Method(technique=AnalysisTechnique(t), confidence=_CONFIDENCE[c]) for t, c in methods])
    return ComponentEvidence(identity=[identity], occurrences=[
        _occurrence(e, f"{item.id}#evidence-{n:04d}") for n, e in enumerate(item.evidence)])


def _pedigree(item: InventoryItem) -> Pedigree | None:
    ancestors = []
    for n, anc in enumerate(facts.ancestors(item.provenance)):
        props = [Property(name="upstream:relation", value=anc.relation),
                 Property(name="upstream:derived", value=f"{anc.child} <- {anc.model}")]
        if anc.inferred:
            props.append(Property(name="upstream:inferred", value="true"))
        if anc.root:
            props.append(Property(name="upstream:root", value="true"))
        dev = anc.developer
        maker = Party(dev.id, dev.name, dev.country, "developer") if dev else None
        ancestors.append(Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, name=facts.display_name(anc.model),
            bom_ref=f"{item.id}#ancestor-{n}", manufacturer=_org(maker), properties=props))
    return Pedigree(ancestors=ancestors) if ancestors else None


def _model(report: Report, item: InventoryItem) -> Component:
    prov = item.provenance
    purl = facts.hf_purl(item)
    refs = []
    where = facts.download_location(item)
    if where:
        refs.append(ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(where)))
    for src in prov.sources if prov else []:
        if src.url:
            refs.append(ExternalReference(type=ExternalReferenceType.OTHER, url=XsUri(src.url),
                                          comment=f"source: {src.title}" + (f" ({src.date})" if src.date else "")))
    props = [Property(name=k, value=v) for k, v in facts.properties(report, item)]
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, name=item.model.canonical, bom_ref=item.id,
        version=facts.version(item), purl=PackageURL.from_string(purl) if purl else None,
        manufacturer=_org(facts.developer(item)), supplier=_org(facts.supplier(item)),
        description=prov.family_name if prov and prov.family_name else None,
        licenses=[_licence(prov.licence)] if prov and prov.licence else None,
        pedigree=_pedigree(item), evidence=_evidence(item), external_references=refs, properties=props)


def _service(item: InventoryItem) -> Service | None:
    ep = item.endpoint
    if ep is None or ep.local or not ep.url:
        return None
    props = [Property(name="upstream:model", value=item.model.canonical),
             Property(name="upstream:operator-country", value=ep.operator_country or "unknown")]
    if ep.data_processing:
        props.append(Property(name="upstream:data-processing", value=ep.data_processing))
    return Service(
        name=f"{ep.operator or ep.host or ep.url} ({item.model.canonical})", bom_ref=f"service:{item.id}",
        provider=_org(facts.operator(item)), endpoints=[XsUri(ep.url)], x_trust_boundary=True,
        data=[DataClassification(flow=DataFlow.BI_DIRECTIONAL, classification="prompts and completions")],
        properties=props)


def _sdk(name: str, ecosystem: str, paths: list[tuple[str, int | None]]) -> Component:
    ref = f"sdk:{ecosystem}:{name}"
    occ = [Occurrence(bom_ref=f"{ref}#evidence-{n:04d}", location=p, line=line) for n, (p, line) in enumerate(paths)]
    return Component(type=ComponentType.LIBRARY, name=name, bom_ref=ref,
                     purl=PackageURL(type=ecosystem, name=name), evidence=ComponentEvidence(occurrences=occ))


def _assessment(report: Report, item: InventoryItem) -> Assessment | None:
    if report.weigh is None:
        return None
    return next((a for a in report.weigh.assessments if a.item == item.id), None)


def _performance(a: Assessment) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Capability from `upstream weigh`: cited benchmark scores (sliced vendor-reported / independent) and the
    team's own measured pass@1 with its 95% interval, plus a property per benchmark naming its date and sources
    (a performance metric has no room for them)."""
    metrics: list[dict[str, Any]] = []
    props: list[dict[str, str]] = []
    for b in a.capability.benchmarks:
        kind = source_kind(b.independent)
        metrics.append({"type": b.name, "value": score_text(b.score), "slice": kind})
        cited = "; ".join(s.url or s.title for s in b.sources) or "none"
        props.append({"name": "upstream:benchmark-source",
                      "value": f"{b.name}: {score_text(b.score)} ({kind}, {b.date}; model as named: {b.model}; "
                               f"sources: {cited})"})
    for run, m in capability_runs(a.capability.measured):
        if m.value is None:
            continue
        metric: dict[str, Any] = {"type": f"pass@1 ({run_label(run)}, measured by upstream's capability probe)",
                                  "value": f"{m.value:.3f}", "slice": scope_label(m)}
        if m.low is not None and m.high is not None:
            metric["confidenceInterval"] = {"lowerBound": f"{m.low:.3f}", "upperBound": f"{m.high:.3f}"}
        metrics.append(metric)
    return metrics, props


def _model_card(report: Report, item: InventoryItem) -> dict[str, Any]:
    params: dict[str, Any] = {}
    kb = facts.kb_facts(report, item)
    card = facts.artifact_for(report, item)
    # A family may list several architectures (its members differ): only a single one describes this model.
    single = kb.architectures[0] if len(kb.architectures) == 1 else None
    arch = (card.architecture if card else None) or single
    if arch:
        params["modelArchitecture"] = arch
    task = next((t for suffix, t in _TASKS.items() if single and single.endswith(suffix)), None)
    if task:
        params["task"] = task
    if card and card.datasets:
        params["datasets"] = [
            {"type": "dataset", "name": d.hub_id or d.name or "dataset"}
            | ({"contents": {"url": d.url}} if d.url else {}) for d in card.datasets]
    mc: dict[str, Any] = {"bom-ref": f"{item.id}#model-card"}
    if params:
        mc["modelParameters"] = params
    risks = [{"name": f"[{f.severity}] {f.rule}: {f.message}",
              "mitigationStrategy": f"see 'upstream explain {f.rule}'"}
             for f in report.findings if f.item == item.id and not f.ignored]
    if risks:
        mc["considerations"] = {"ethicalConsiderations": risks}
    prov = item.provenance
    if prov and prov.training_data:
        td = prov.training_data
        mc["properties"] = [{"name": "upstream:training-data-disclosure", "value": td.level}]
        if td.note:
            mc["properties"].append({"name": "upstream:training-data-note", "value": td.note})
    assessment = _assessment(report, item)
    if assessment is not None:
        metrics, props = _performance(assessment)
        if metrics:
            mc["quantitativeAnalysis"] = {"performanceMetrics": metrics}
        if props:
            mc.setdefault("properties", []).extend(props)
    return mc


def build_bom(report: Report) -> Bom:
    """The Bom object, before the model cards are added."""
    from upstream import __version__

    tool = Component(type=ComponentType.APPLICATION, name="upstream", version=report.tool_version or __version__)
    app = Component(type=ComponentType.APPLICATION, name=report.root.rstrip("/").rsplit("/", 1)[-1] or report.root,
                    bom_ref="scanned-root")
    meta_props = [Property(name="upstream:report-schema-version", value=report.schema_version),
                  Property(name="upstream:complete", value=str(report.complete).lower())]
    if report.kb_version:
        meta_props.append(Property(name="upstream:kb-version", value=report.kb_version))
    if report.policy is not None:
        meta_props.append(Property(name="upstream:policy-decision", value=report.policy.decision))
        meta_props.append(Property(name="upstream:policy-source", value=report.policy.source))
    meta = BomMetaData(tools=ToolRepository(components=[tool]), component=app, properties=meta_props,
                       timestamp=datetime.fromisoformat(facts.iso_z(report.generated_at).replace("Z", "+00:00")))
    models = [_model(report, item) for item in report.inventory]
    services = [s for s in (_service(item) for item in report.inventory) if s is not None]
    sdks = [_sdk(s.name, s.ecosystem, [(loc.path, loc.line) for loc in s.locations]) for s in report.sdks]
    bom = Bom(components=[*models, *sdks], services=services, metadata=meta,
              serial_number=facts.document_uuid(report))
    bom.register_dependency(app, [*models, *sdks])
    for svc in services:
        bom.register_dependency(svc, [])
    return bom


def render_cyclonedx(report: Report, color: bool = False) -> str:
    """The report as a CycloneDX 1.6 JSON ML-BOM."""
    doc = json.loads(JsonV1Dot6(build_bom(report)).output_as_string())
    cards = {item.id: _model_card(report, item) for item in report.inventory}
    for comp in doc.get("components", []):
        card = cards.get(comp.get("bom-ref", ""))
        if card is not None and comp.get("type") == "machine-learning-model":
            comp["modelCard"] = card
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
