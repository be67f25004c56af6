"""Report values built by hand for the format tests: findings, multi-root lineage, artifacts, hostile text."""

from __future__ import annotations

from upstream.artifacts.types import ArtifactCard, DatasetRef, Identity, Safety
from upstream.models import (
    Endpoint,
    Evidence,
    Finding,
    InventoryItem,
    LicenceInfo,
    LineageEdge,
    Location,
    ModelRef,
    OrgRef,
    PolicyOutcome,
    Provenance,
    Report,
    RestrictionInfo,
    Root,
    ScanStats,
    SdkUse,
    SourceRef,
    TrainingDataInfo,
)

HOSTILE = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">'

DEEPSEEK = OrgRef(id="deepseek", name="DeepSeek", country="CN")
META = OrgRef(id="meta", name="Meta Platforms", country="US")
MISTRAL = OrgRef(id="mistral", name="Mistral AI", country="FR")


def _ev(path: str, line: int, raw: str, kind: str = "code") -> Evidence:
    return Evidence(path=path, line=line, raw=raw, snippet=f'model = "{raw}"', kind=kind,  # type: ignore[arg-type]
                    confidence="high", technique="source-code-analysis", detector="python")


def _prov(ref: str, **kw: object) -> Provenance:
    base: dict[str, object] = {"reference": ref, "normalized": ref, "status": "known", "confidence": 0.9,
                               "kb_version": "kb-test"}
    base.update(kw)
    return Provenance(**base)  # type: ignore[arg-type]


def distill_item() -> InventoryItem:
    """A pinned HF distill of one family onto another, quantized: two roots in two countries."""
    name = "acme/R1-Distill-Llama-8B-GGUF"
    lineage = [
        LineageEdge(child=name, parent="deepseek-ai/DeepSeek-R1-Distill-Llama-8B", relation="quantized"),
        LineageEdge(child="deepseek-ai/DeepSeek-R1-Distill-Llama-8B", parent="meta-llama/Llama-3.1-8B",
                    relation="distilled", role="base"),
        LineageEdge(child="deepseek-ai/DeepSeek-R1-Distill-Llama-8B", parent="deepseek-ai/DeepSeek-R1",
                    relation="distilled", role="teacher", inferred=True),
    ]
    roots = [Root(model="meta-llama/Llama-3.1-8B", developer=META, via=["quantized", "distilled"]),
             Root(model="deepseek-ai/DeepSeek-R1", developer=DEEPSEEK, via=["quantized", "distilled"])]
    licence = LicenceInfo(id="llama-3.1", name="Llama 3.1 Community License", category="restricted-open",
                          url="https://llama.com/llama3_1/license/", restrictions=[
                              RestrictionInfo(kind="user-cap", text="700M monthly active users need a licence",
                                              threshold="700M MAU"),
                              RestrictionInfo(kind="territory-exclusion", text="multimodal rights withheld",
                                              territories=["EU"])])
    prov = _prov(name, developer=DEEPSEEK, licence=licence, lineage=lineage, roots=roots, family="deepseek-r1",
                 family_name="DeepSeek-R1 distills", quantization="Q4_K_M", open_weights=True,
                 training_data=TrainingDataInfo(level="summary", note="distilled on R1 outputs"),
                 sources=[SourceRef(id="card", title="Model card", url="https://huggingface.co/deepseek-ai",
                                    date="2025-01-20")], checked="2026-01-01")
    ep = Endpoint(operator="self-hosted (in-process)", operator_id="in-process", local=True, implied=True,
                  data_processing="The software's own process")
    ref = ModelRef(raw=name, canonical=name, hub="huggingface", provider="llama-cpp",
                   revision="0123456789ABCDEF0123456789abcdef01234567")
    return InventoryItem(id=name, model=ref,
                         endpoint=ep, kinds=["code", "artifact"], docs_only=False, confidence="high",
                         evidence=[_ev("app/llm.py", 12, name), _ev("models/r1.gguf", 1, name, "artifact")],
                         provenance=prov)


def api_item() -> InventoryItem:
    ep = Endpoint(url="https://api.mistral.ai/v1", host="api.mistral.ai", operator="Mistral AI",
                  operator_id="mistral", operator_country="FR", data_processing="EU (Sweden, France)")
    prov = _prov("mistral-large-latest", developer=MISTRAL, roots=[Root(model="mistral-large-latest",
                                                                        developer=MISTRAL)], endpoint=ep)
    return InventoryItem(id="mistral-large-latest@mistral",
                         model=ModelRef(raw="mistral-large-latest", canonical="mistral-large-latest", hub="api",
                                        provider="mistral"),
                         endpoint=ep, kinds=["config"], docs_only=False, confidence="high",
                         evidence=[_ev("config/llm.yaml", 3, "mistral-large-latest", "config")], provenance=prov)


def hostile_item() -> InventoryItem:
    """An unknown model whose id, path and snippet carry markup that must never run."""
    prov = _prov(HOSTILE, status="unknown", confidence=0.0, resolver="none")
    return InventoryItem(id=HOSTILE, model=ModelRef(raw=HOSTILE, canonical=HOSTILE, hub="file"),
                         kinds=["docs"], docs_only=True, confidence="low",
                         evidence=[_ev(f"docs/{HOSTILE}.md", 7, HOSTILE, "docs")], provenance=prov)


def sample_report(*, with_hostile: bool = True) -> Report:
    items = [distill_item(), api_item()] + ([hostile_item()] if with_hostile else [])
    findings = [
        Finding(rule="developer-country", severity="high", confidence="high",
                message="developed in CN (DeepSeek), lineage root", item=items[0].id, model=items[0].model.canonical,
                locations=[Location(path="app/llm.py", line=12)], fingerprint="f1"),
        Finding(rule="unpinned-revision", severity="low", confidence="high", message="no pinned revision",
                item=items[1].id, model=items[1].model.canonical, locations=[Location(path="config/llm.yaml", line=3)],
                fingerprint="f2", ignored=True, ignore_reason="API model", ignore_expires="2099-01-01"),
    ]
    card = ArtifactCard(path="models/r1.gguf", format="gguf", architecture="llama", parameters=8_030_000_000,
                        size_label="8B", quantization="Q4_K_M", context_length=131072,
                        identity=Identity(name="DeepSeek R1 Distill Llama 8B", canonical=items[0].model.canonical,
                                          hub="huggingface", confidence="medium"),
                        datasets=[DatasetRef(name="r1-traces", url="https://example.org/r1-traces", source="card")],
                        safety=Safety(format="gguf", executes_code=False, verdict="safe"))
    return Report(tool_version="0.1.0", generated_at="2026-02-03T04:05:06+00:00", root="/home/dev/acme-app",
                  inventory=items, endpoints=[], skipped=[], statuses=[],
                  sdks=[SdkUse(name="llama-cpp-python", ecosystem="pypi", locations=[Location(path="requirements.txt",
                                                                                              line=4)])],
                  stats=ScanStats(files_seen=10, files_scanned=9, files_skipped=1, dirs_skipped=0, bytes_read=1000,
                                  seconds=0.1, jobs=1),
                  kb_version="kb-test", artifacts=[card], findings=findings,
                  policy=PolicyOutcome(source="upstream.toml", decision="fail", fail_on="high",
                                       unused_ignores=["old-ignore"]),
                  complete=True)


def edge_reports() -> dict[str, Report]:
    """An empty scan, and a scan run with --no-resolve (no provenance at all)."""
    import dataclasses

    r = sample_report()
    return {
        "empty": dataclasses.replace(r, inventory=[], findings=[], artifacts=[], sdks=[], policy=None),
        "unresolved": dataclasses.replace(r, inventory=[dataclasses.replace(i, provenance=None)
                                                        for i in r.inventory]),
    }
