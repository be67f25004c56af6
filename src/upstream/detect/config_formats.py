"""Config formats with their own shape: LiteLLM proxy `model_list` and promptfoo `providers`."""

from __future__ import annotations

import re
from dataclasses import replace

from upstream.detect import Detection
from upstream.detect.config_keys import is_url, model_detection, plausible_model, provider_from_name, unwrap
from upstream.detect.config_tree import Map, Node, Scalar, Seq
from upstream.detect.identifiers import canonical_id, is_plausible
from upstream.evidence import EvidenceKind, Hub

_PROMPTFOO_RE = re.compile(
    r"^(openai|anthropic|ollama|azure|azureopenai|bedrock|vertex|google|mistral|groq|deepseek|openrouter|"
    r"togetherai|fireworks|huggingface|vllm|xai|perplexity|cohere|litellm):(?:(?:chat|completion|messages|"
    r"embedding|embeddings|text|responses|assistant|converse):)?(.+)$"
)
_PROMPTFOO_PROVIDERS = {"azureopenai": "azure-openai", "togetherai": "together", "huggingface": "hf-inference",
                        "vertex": "vertexai", "litellm": None}


def scalar_text(node: Node | None) -> str | None:
    """The text of a non-empty string scalar, else None."""
    return node.value if isinstance(node, Scalar) and node.tag == "str" and node.value else None


def _snip(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def litellm_models(seq: Seq, lines: list[str], kind: EvidenceKind, detector: str) -> list[Detection]:
    """LiteLLM proxy `model_list`: the model is `litellm_params.model`; `model_name` is only an alias."""
    out: list[Detection] = []
    for entry in seq.items:
        if not isinstance(entry, Map):
            continue
        params = entry.get("litellm_params")
        alias = scalar_text(entry.get("model_name"))
        if not isinstance(params, Map):
            continue
        node = params.get("model")
        if not isinstance(node, Scalar) or node.tag != "str":
            continue
        value = unwrap(node.value)
        if not value or not plausible_model(value, generic=False, ai_context=True):
            continue
        api_base = None
        for key in ("api_base", "base_url"):
            raw = scalar_text(params.get(key))
            url = unwrap(raw) if raw else None
            if url and is_url(url):
                api_base = url
                break
        out.append(model_detection(
            value, node.line, kind=kind, detector=detector, snippet=_snip(lines, node.line), base_url=api_base,
            confidence="high", note=f"LiteLLM model_name alias {alias!r}" if alias else None,
        ))
    return out


def promptfoo_models(value: Node, lines: list[str], kind: EvidenceKind, detector: str) -> list[Detection]:
    """promptfoo provider ids (`openai:gpt-4o-mini`, `ollama:chat:qwen2.5:7b`), in a list or alone."""
    items = value.items if isinstance(value, Seq) else [value]
    out: list[Detection] = []
    for item in items:
        node = item.get("id") if isinstance(item, Map) else item
        if not isinstance(node, Scalar) or node.tag != "str":
            continue
        m = _PROMPTFOO_RE.match(node.value.strip())
        if not m or not is_plausible(m.group(2), "strong"):
            continue
        prefix = m.group(1)
        provider = _PROMPTFOO_PROVIDERS.get(prefix, provider_from_name(prefix))
        hub: Hub = "ollama" if prefix == "ollama" else "api"
        d = model_detection(node.value, node.line, kind=kind, detector=detector, snippet=_snip(lines, node.line),
                            provider=provider, route=False, confidence="high", hub=hub)
        out.append(replace(d, canonical=canonical_id(m.group(2), hub)))
    return out
