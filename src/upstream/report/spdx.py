"""SPDX 3.0.1 JSON-LD with the AI profile.

One `ai_AIPackage` per inventory item (creationInfo, originatedBy the developer, suppliedBy the API
operator or the hub, releaseTime, downloadLocation, packageVersion, primaryPurpose `model`), lineage
as `descendantOf` relationships to ancestor packages, the endpoint operator through `availableFrom`,
the licence through `hasDeclaredLicense`, evidence as `software_Snippet`s (file and line) linked with
`hasEvidence`, policy findings as review `Annotation`s, and `upstream:*` facts in a
`extension_CdxPropertiesExtension`. Unknown version or download location is written `NOASSERTION`, an
unknown supplier is an `Agent` named `NOASSERTION`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from upstream.models import InventoryItem, LicenceInfo, Report
from upstream.report import facts
from upstream.report.facts import Party

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
_CI = "_:creationinfo"
_NOASSERTION = "NOASSERTION"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "x"


def _extension(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    entries = [{"type": "extension_CdxPropertyEntry", "extension_cdxPropName": k, "extension_cdxPropValue": v}
               for k, v in pairs]
    return [{"type": "extension_CdxPropertiesExtension", "extension_cdxProperty": entries}] if entries else []


class _Doc:
    """Collects the graph's elements, minting IRIs under one document namespace."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.ns = f"urn:uuid:{facts.document_uuid(report)}#"
        self.graph: list[dict[str, Any]] = []
        self.ids: dict[str, str] = {}
        self.relationships = 0
        self.files = 0

    def add(self, kind: str, local: str, **props: Any) -> str:
        spdx_id = self.ns + local
        self.graph.append({"type": kind, "spdxId": spdx_id, "creationInfo": _CI, **props})
        return spdx_id

    def rel(self, src: str, kind: str, to: list[str], comment: str | None = None) -> None:
        n, self.relationships = self.relationships, self.relationships + 1
        extra = {"comment": comment} if comment else {}
        self.add("Relationship", f"relationship-{n}", **{"from": src, "relationshipType": kind, "to": to}, **extra)

    def org(self, party: Party) -> str:
        if party.key not in self.ids:
            props: dict[str, Any] = {"name": party.name}
            if party.country:
                props["comment"] = f"{party.role}; home country {party.country}"
                props["extension"] = _extension([("upstream:country", party.country)])
            self.ids[party.key] = self.add("Organization", f"org/{_slug(party.key)}", **props)
        return self.ids[party.key]

    def unknown_supplier(self) -> str:
        """An Agent standing for "not known": SHACL wants an Agent, and NoAssertionElement is not one."""
        if "unknown" not in self.ids:
            self.ids["unknown"] = self.add("Agent", "agent/unknown-supplier", name="NOASSERTION",
                                           comment="No supplier known: the model was not obtained from a hub or API "
                                                   "that upstream can name")
        return self.ids["unknown"]

    def licence(self, lic: LicenceInfo) -> str:
        key = f"licence:{lic.id}"
        if key not in self.ids:
            expr = lic.spdx if lic.spdx and " " not in lic.spdx else f"LicenseRef-{_slug(lic.id)}"
            props: dict[str, Any] = {"simplelicensing_licenseExpression": expr}
            if expr.startswith("LicenseRef-") and lic.url:
                props["simplelicensing_customIdToUri"] = [{"type": "DictionaryEntry", "key": expr, "value": lic.url}]
            props["comment"] = lic.name
            self.ids[key] = self.add("simplelicensing_LicenseExpression", f"licence/{_slug(lic.id)}", **props)
        return self.ids[key]

    def file(self, path: str) -> str:
        key = f"file:{path}"
        if key not in self.ids:
            self.ids[key] = self.add("software_File", f"file/{self.files}-{_slug(path)}", name=path)
            self.files += 1
        return self.ids[key]


def _application(item: InventoryItem) -> str:
    kinds = ", ".join(item.kinds)
    text = f"Referenced by the scanned software ({kinds}) in {len(item.evidence)} place(s)"
    ep = item.endpoint
    if ep is not None:
        who = ep.operator or ep.host or "an unknown operator"
        where = f" in {ep.operator_country}" if ep.operator_country else ""
        text += f"; served by {who}{where}" + (f" at {ep.url}" if ep.url else "")
        if ep.data_processing:
            text += f"; data processing: {ep.data_processing}"
    return text + "."


def _model(doc: _Doc, n: int, item: InventoryItem, app: str) -> str:
    report, prov = doc.report, item.provenance
    kb = facts.kb_facts(report, item)
    props: dict[str, Any] = {
        "name": item.model.canonical,
        "software_primaryPurpose": "model",
        "software_packageVersion": facts.version(item) or _NOASSERTION,
        "software_downloadLocation": facts.download_location(item) or _NOASSERTION,
        "ai_informationAboutApplication": _application(item),
    }
    dev, sup = facts.developer(item), facts.supplier(item)
    if dev is not None:
        props["originatedBy"] = [doc.org(dev)]
    props["suppliedBy"] = doc.org(sup) if sup is not None else doc.unknown_supplier()
    released = facts.release_time(kb.released)
    if released:
        props["releaseTime"] = released
    purl = facts.hf_purl(item)
    if purl:
        props["software_packageUrl"] = purl
    if prov is not None:
        if prov.family_name:
            props["description"] = prov.family_name
        if prov.training_data is not None:
            td = prov.training_data
            props["ai_informationAboutTraining"] = f"Disclosure: {td.level}" + (f". {td.note}" if td.note else "")
        props["comment"] = f"Provenance {prov.status} (confidence {prov.confidence:g}, {prov.resolver})" + (
            "; not verified: " + "; ".join(prov.unverified) if prov.unverified else "")
        refs = [{"type": "ExternalRef", "externalRefType": "other", "locator": [s.url],
                 "comment": s.title + (f" ({s.date})" if s.date else "")} for s in prov.sources if s.url]
        if refs:
            props["externalRef"] = refs
    if len(kb.architectures) == 1:
        props["ai_typeOfModel"] = [kb.architectures[0]]
    props["extension"] = _extension(facts.properties(report, item))
    model = doc.add("ai_AIPackage", f"model/{n}-{_slug(item.model.canonical)}", **props)

    _lineage(doc, n, item, model)
    op, ep = facts.operator(item), item.endpoint
    if op is not None and ep is not None and not ep.local:
        doc.rel(model, "availableFrom", [doc.org(op)], ep.data_processing and f"data processing: {ep.data_processing}")
    if prov is not None and prov.licence is not None:
        doc.rel(model, "hasDeclaredLicense", [doc.licence(prov.licence)])
    snippets = []
    for m, ev in enumerate(item.evidence):
        sp: dict[str, Any] = {"name": f"{ev.path}:{ev.line}" if ev.line else ev.path,
                              "software_snippetFromFile": doc.file(ev.path), "comment": f"{ev.kind}: {ev.snippet}"}
        if ev.line:
            sp["software_lineRange"] = {"type": "PositiveIntegerRange", "beginIntegerRange": ev.line,
                                        "endIntegerRange": ev.line}
        snippets.append(doc.add("software_Snippet", f"evidence/{n}-{m}", **sp))
    if snippets:
        doc.rel(model, "hasEvidence", snippets)
    for k, f in enumerate(x for x in report.findings if x.item == item.id):
        where = ", ".join(f"{loc.path}:{loc.line}" if loc.line else loc.path for loc in f.locations)
        state = f" Ignored: {f.ignore_reason}." if f.ignored else ""
        doc.add("Annotation", f"finding/{n}-{k}", annotationType="review", subject=model,
                statement=f"[{f.severity}] {f.rule}: {f.message}" + (f" ({where})" if where else "") + state)
    return model


def _lineage(doc: _Doc, n: int, item: InventoryItem, model: str) -> None:
    nodes = {item.model.canonical: model}
    if item.provenance is not None and item.provenance.model:
        nodes.setdefault(item.provenance.model, model)
    for m, anc in enumerate(facts.ancestors(item.provenance)):
        if anc.model not in nodes:
            props: dict[str, Any] = {"name": facts.display_name(anc.model), "software_primaryPurpose": "model"}
            if anc.developer is not None:
                props["originatedBy"] = [doc.org(Party(f"org:{anc.developer.id}", anc.developer.name,
                                                       anc.developer.country, "developer"))]
            nodes[anc.model] = doc.add("ai_AIPackage", f"model/{n}-ancestor-{m}-{_slug(anc.model)}", **props)
        child = nodes.get(anc.child, model)
        note = anc.relation + (" (inferred from the name)" if anc.inferred else "") + (" (root)" if anc.root else "")
        doc.rel(child, "descendantOf", [nodes[anc.model]], note)


def build_document(report: Report) -> dict[str, Any]:
    """The SPDX 3.0.1 JSON-LD document as a dict."""
    doc = _Doc(report)
    tool = doc.add("Tool", "tool/upstream", name=f"upstream {report.tool_version}")
    agent = doc.add("SoftwareAgent", "agent/upstream", name="upstream")
    creation = {"type": "CreationInfo", "@id": _CI, "specVersion": "3.0.1", "created": facts.iso_z(report.generated_at),
                "createdBy": [agent], "createdUsing": [tool]}
    name = report.root.rstrip("/").rsplit("/", 1)[-1] or report.root
    app = doc.add("software_Package", "application", name=name, software_primaryPurpose="application",
                  comment=f"The scanned software ({report.root})")
    models = [_model(doc, n, item, app) for n, item in enumerate(report.inventory)]
    if models:
        doc.rel(app, "dependsOn", models, "AI models the software uses")
    sdks = [doc.add("software_Package", f"sdk/{s.ecosystem}-{_slug(s.name)}", name=s.name,
                    software_primaryPurpose="library", software_packageUrl=f"pkg:{s.ecosystem}/{s.name.lower()}")
            for s in report.sdks]
    if sdks:
        doc.rel(app, "dependsOn", sdks, "AI SDKs declared as dependencies")
    document = {
        "type": "SpdxDocument", "spdxId": doc.ns + "document", "creationInfo": _CI,
        "name": f"upstream AI bill of materials for {name}",
        "profileConformance": ["core", "software", "ai", "simpleLicensing"],
        "rootElement": [app], "element": [e["spdxId"] for e in doc.graph],
        "extension": _extension([("upstream:kb-version", report.kb_version or "none"),
                                 ("upstream:complete", str(report.complete).lower())]
                                + ([("upstream:policy-decision", report.policy.decision)] if report.policy else [])),
    }
    return {"@context": CONTEXT, "@graph": [creation, document, *doc.graph]}


def render_spdx(report: Report, color: bool = False) -> str:
    """The report as SPDX 3.0.1 JSON-LD (AI profile)."""
    return json.dumps(build_document(report), indent=2, ensure_ascii=False) + "\n"
