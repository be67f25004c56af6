"""Merge detections into the inventory: one item per model and endpoint, all evidence attached.

The model and who serves it stay apart: an item's `model` is the reference as written (plus its
canonical id), its `endpoint` is the operator of the base URL tied to it, or the implied default of
the SDK or route that selects it, or the team itself for weights loaded in-process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from upstream.detect.identifiers import LITELLM_PROVIDERS, canonical_id, guess_hub
from upstream.endpoints import EndpointTable
from upstream.models import (
    CONFIDENCE_ORDER,
    KIND_ORDER,
    Confidence,
    Detection,
    Endpoint,
    EndpointUse,
    Evidence,
    Hub,
    InventoryItem,
    Location,
    ModelRef,
    RelatedLocation,
    SdkUse,
)

# The endpoint record an SDK or framework talks to when no base URL is given.
# None: weights run in the team's own process (or the provider does not imply a host).
PROVIDER_ENDPOINTS: dict[str, str | None] = {
    "openai": "openai", "azure-openai": "azure", "anthropic": "anthropic", "google-genai": "gemini",
    "vertexai": "vertex", "mistral": "mistral", "groq": "groq", "cohere": "cohere",
    "dashscope": "dashscope-cn", "zhipuai": "bigmodel", "zai": "zai", "deepseek": "deepseek",
    "moonshot": "moonshot-intl", "together": "together", "fireworks": "fireworks", "openrouter": "openrouter",
    "xai": "xai", "bedrock": "bedrock", "ollama": "local-ollama", "hf-inference": "hf-router",
    "transformers": "in-process", "sentence-transformers": "in-process", "diffusers": "in-process",
    "vllm": "in-process", "llama-cpp": "in-process", "transformers.js": "in-process",
    "huggingface-hub": None, "gguf-file": "in-process", "model-file": "in-process", "mlx": "in-process",
    "onnxruntime": "in-process",
    "web-llm": "in-process", "node-llama-cpp": "in-process", "replicate": "replicate", "keras": "in-process",
    "ultralytics": "in-process", "gpt4all": "in-process", "volcengine": "volcengine-ark", "tgi": "local",
    "tei": "local", "sglang": "local", "lmdeploy": "local", "lmstudio": "local-lmstudio",
    "vllm-server": "local-vllm", "llama-cpp-server": "local-llamacpp",
}


def provider_endpoint(provider: str | None, table: EndpointTable) -> Endpoint | None:
    """The implied endpoint of a provider string (`openai`, `litellm/deepseek`, `langchain/ChatOllama`)."""
    if not provider:
        return None
    key = provider
    if provider.startswith("litellm/"):
        rid = LITELLM_PROVIDERS.get(provider.split("/", 1)[1])
        return table.by_id(rid) if rid else None
    if "/" in key:
        key = key.rsplit("/", 1)[1]
    rid = PROVIDER_ENDPOINTS.get(key)
    return table.by_id(rid) if rid else None


def _evidence(path: str, d: Detection) -> Evidence:
    return Evidence(
        path=path, line=d.line, column=d.column, cell=d.cell, raw=d.value, snippet=d.snippet, kind=d.kind,
        confidence=d.confidence, technique=d.technique, detector=d.detector, provider=d.provider,
        related=[RelatedLocation(location=Location(path=r.path or path, line=r.line), note=r.note)
                 for r in d.related],
        note=d.note,
    )


def _ev_key(e: Evidence) -> tuple[int, str, int, int]:
    return (KIND_ORDER.index(e.kind), e.path, e.line or 0, e.cell or 0)


def _best(confs: Iterable[Confidence]) -> Confidence:
    return min(confs, key=CONFIDENCE_ORDER.index, default="low")


class _Group:
    __slots__ = ("endpoint", "evidence", "hub", "provider", "raws", "revision")

    def __init__(self, endpoint: Endpoint | None, hub: Hub) -> None:
        self.endpoint = endpoint
        self.hub: Hub = hub
        self.evidence: list[Evidence] = []
        self.raws: dict[str, int] = defaultdict(int)
        self.provider: str | None = None
        self.revision: str | None = None


def build_inventory(
    detections: Iterable[tuple[str, Detection]], table: EndpointTable
) -> tuple[list[InventoryItem], list[EndpointUse], list[SdkUse]]:
    """Group model detections into inventory items; collect endpoints and SDK dependencies."""
    groups: dict[tuple[str, str], _Group] = {}
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    loose: list[tuple[str, Detection, str, Hub]] = []
    endpoint_uses: dict[str, tuple[Endpoint, list[Evidence]]] = {}
    sdks: dict[tuple[str, Literal["pypi", "npm"]], list[Location]] = defaultdict(list)

    def add_endpoint(path: str, d: Detection, ep: Endpoint) -> None:
        slot = endpoint_uses.setdefault(_ep_key(ep) or "?", (ep, []))
        slot[1].append(_evidence(path, d))

    for path, d in detections:
        if d.subject == "sdk":
            eco: Literal["pypi", "npm"] = "npm" if path.endswith("package.json") else "pypi"
            sdks[(d.value, eco)].append(Location(path=path, line=d.line))
            continue
        if d.subject == "endpoint":
            add_endpoint(path, d, table.for_url(d.value))
            continue
        hub: Hub = d.hub or guess_hub(d.value)
        canon = d.canonical or canonical_id(d.value, hub)
        ckey = canon.lower()
        spellings[ckey][canon] += 1
        ep: Endpoint | None
        if d.base_url:
            ep = table.for_url(d.base_url)
            add_endpoint(path, d, ep)
        else:
            ep = provider_endpoint(d.provider, table)
        if ep is None or d.kind == "docs":
            loose.append((path, d, ckey, hub))
            continue
        _add(groups, (ckey, _ep_key(ep)), ep, hub, path, d)

    for path, d, ckey, hub in loose:
        served = [k for k in groups if k[0] == ckey]
        key = served[0] if len(served) == 1 else (ckey, "")
        _add(groups, key, groups[key].endpoint if key in groups else None, hub, path, d)

    # Hub ids are case-insensitive: one spelling per model, the most common one (ties: alphabetical).
    canon_case = {k: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for k, v in spellings.items()}
    items = [_item(ckey, epk, g, canon_case[ckey]) for (ckey, epk), g in groups.items()]
    items.sort(key=lambda i: (i.docs_only, i.model.canonical.lower(), i.endpoint.host or "" if i.endpoint else ""))
    eps = [EndpointUse(endpoint=ep, evidence=sorted(evs, key=_ev_key)) for ep, evs in endpoint_uses.values()]
    eps.sort(key=lambda u: (u.endpoint.host or u.endpoint.url or ""))
    sdk_list = [SdkUse(name=n, ecosystem=eco, locations=sorted(locs, key=lambda loc: (loc.path, loc.line or 0)))
                for (n, eco), locs in sorted(sdks.items())]
    return items, eps, sdk_list


def _ep_key(ep: Endpoint) -> str:
    return (ep.operator_id or ep.host or ep.url or "").lower()


def _add(groups: dict[tuple[str, str], _Group], key: tuple[str, str], ep: Endpoint | None, hub: Hub,
         path: str, d: Detection) -> None:
    g = groups.get(key)
    if g is None:
        g = groups[key] = _Group(ep, hub)
    g.evidence.append(_evidence(path, d))
    g.raws[d.value] += 1
    if d.kind != "docs":
        g.provider = g.provider or d.provider
        g.hub = hub if g.hub in ("unknown", "api") and hub not in ("unknown", "api") else g.hub
    g.revision = g.revision or d.revision


def _item(ckey: str, epk: str, g: _Group, canon: str) -> InventoryItem:
    evidence = sorted(g.evidence, key=_ev_key)
    kinds = sorted({e.kind for e in evidence}, key=KIND_ORDER.index)
    docs_only = kinds == ["docs"]
    raw = max(g.raws.items(), key=lambda kv: (kv[1], kv[0]))[0]
    conf_source = [e.confidence for e in evidence if e.kind != "docs"] or [e.confidence for e in evidence]
    item_id = canon if not g.endpoint or not epk else f"{canon}@{epk}"
    return InventoryItem(
        id=item_id,
        model=ModelRef(raw=raw, canonical=canon, hub=g.hub, provider=g.provider, revision=g.revision),
        endpoint=g.endpoint,
        kinds=kinds,
        docs_only=docs_only,
        confidence=_best(conf_source),
        evidence=evidence,
    )
