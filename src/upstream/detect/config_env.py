"""Environment-variable settings (`OPENAI_MODEL=...`, `OLLAMA_BASE_URL=...`) wherever they are written.

Used for .env files, `environment:` blocks of compose files, Kubernetes `env:` lists, Dockerfile
`ENV`/`ARG`, workflow `env:` maps and shell assignments. A block of variables is judged together:
a model is tied to the base URL that shares its prefix (`DEEPSEEK_MODEL` + `DEEPSEEK_BASE_URL`), or to
the block's only base URL; a provider prefix implies the provider (`ANTHROPIC_MODEL` -> anthropic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from upstream.detect import Detection
from upstream.detect.config_keys import (
    STRONG_AI_WORDS,
    endpoint_detection,
    endpoint_key_strength,
    is_ai_word,
    is_url,
    key_parts,
    model_detection,
    norm_key,
    plausible_model,
    strong_shape,
    unwrap,
)
from upstream.evidence import EvidenceKind, Hub

_MODEL_TAILS = (("model",), ("model", "name"), ("model", "id"), ("model", "path"), ("model", "repo"),
                ("model", "file"), ("model", "tag"), ("llm",), ("llm", "model"), ("llm", "name"), ("hf", "repo"),
                ("repo", "id"), ("deployment",), ("deployment", "name"))
_NOT_ENV_MODEL = frozenset({
    "auth", "user", "response", "request", "db", "orm", "dataset", "data", "schema", "device", "phone", "car",
    "vehicle", "hardware", "cpu", "gpu", "printer", "camera", "tokenizer", "django", "cost", "pricing",
    "threat", "dir", "cache", "class",
})
_ENDPOINT_TAILS = (("api", "base", "url"), ("base", "url"), ("api", "base"), ("api", "endpoint"),
                   ("endpoint",), ("api", "url"), ("server", "url"), ("api", "host"), ("host",), ("url",))
# Key prefixes that name a provider, in the order they are tried. Families with open weights (qwen, glm,
# kimi) are left out: `QWEN_MODEL=Qwen/Qwen2.5-7B` is as often local weights as the vendor's API.
_PREFIX_PROVIDERS: tuple[tuple[str, str], ...] = (
    ("azure", "azure-openai"), ("openai", "openai"), ("anthropic", "anthropic"), ("claude", "anthropic"),
    ("gemini", "google-genai"), ("google", "google-genai"), ("vertex", "vertexai"), ("mistral", "mistral"),
    ("groq", "groq"), ("cohere", "cohere"), ("dashscope", "dashscope"), ("tongyi", "dashscope"),
    ("zhipu", "zhipuai"), ("zhipuai", "zhipuai"), ("bigmodel", "zhipuai"), ("deepseek", "deepseek"),
    ("moonshot", "moonshot"),
    ("together", "together"), ("fireworks", "fireworks"), ("openrouter", "openrouter"), ("xai", "xai"),
    ("grok", "xai"), ("bedrock", "bedrock"), ("ollama", "ollama"), ("vllm", "vllm-server"),
    ("lmstudio", "lmstudio"),
)


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One `KEY=value` setting: the value as written (quotes removed) and the line it is on."""

    key: str
    value: str
    line: int
    snippet: str = ""


def _tail(parts: list[str], tails: tuple[tuple[str, ...], ...]) -> int:
    for t in sorted(tails, key=len, reverse=True):
        if len(parts) >= len(t) and tuple(parts[-len(t):]) == t:
            return len(t)
    return 0


def env_role(key: str) -> tuple[str, list[str]] | None:
    """`model`, `models` or `endpoint`, with the key's prefix words (`OPENAI_CHAT_MODEL` -> openai, chat)."""
    parts = key_parts(norm_key(key)) if not key.isupper() else [p for p in key.lower().split("_") if p]
    if not parts or any(p in _NOT_ENV_MODEL for p in parts):
        return None
    n = _tail(parts, _MODEL_TAILS)
    if n:
        prefix = parts[:-n]
        if parts[-n] == "deployment" and not any(p in ("azure", "openai") for p in prefix):
            return None
        if parts[-n:] == ["repo", "id"] and prefix and not is_ai_word("_".join(prefix)):
            return None
        return "model", prefix
    if parts[-1] == "models":
        return "models", parts[:-1]
    n = _tail(parts, _ENDPOINT_TAILS)
    if n and endpoint_key_strength("_".join(parts)):
        return "endpoint", parts[:-n]
    return None


def prefix_provider(prefix: list[str]) -> str | None:
    for word, provider in _PREFIX_PROVIDERS:
        if word in prefix:
            if provider == "azure-openai" and "openai" not in prefix and "deployment" not in prefix:
                continue
            return provider
    return None


def _matches(model_prefix: list[str], ep_prefix: list[str]) -> bool:
    if not ep_prefix:
        return not model_prefix
    return model_prefix[: len(ep_prefix)] == ep_prefix


_GENERIC_PREFIXES = frozenset({"llm", "openai", "api", "ai", "chat", "inference", "model", "default", "base",
                               "server", "local"})


def _sole_endpoint(prefix: list[str], sole: list[tuple[EnvVar, str, list[str], str]],
                   ) -> tuple[EnvVar, str, list[str], str] | None:
    """The block's only base URL; or, for a model key without a provider, the only generic one (LLM_BASE_URL)."""
    own = prefix_provider(prefix)
    if len(sole) == 1:
        ep_prov = prefix_provider(sole[0][2])
        return sole[0] if own is None or ep_prov == own else None
    if own is None and all(p in _GENERIC_PREFIXES for p in prefix):
        generic = [e for e in sole if all(p in _GENERIC_PREFIXES for p in e[2])]
        if len(generic) == 1:
            return generic[0]
    return None


def env_detections(
    pairs: Sequence[EnvVar], *, kind: EvidenceKind, detector: str, hub: Hub | None = None,
    provider: str | None = None, ai_context: bool = False,
) -> list[Detection]:
    """Models and endpoints set by one block of environment variables."""
    models: list[tuple[EnvVar, str, list[str]]] = []
    endpoints: list[tuple[EnvVar, str, list[str], str]] = []
    for p in pairs:
        role = env_role(p.key)
        if role is None:
            continue
        value = unwrap(p.value)
        if not value:
            continue
        what, prefix = role
        if what == "endpoint":
            if is_url(value):
                endpoints.append((p, value, prefix, endpoint_key_strength(norm_key(p.key)) or "weak"))
            continue
        if what == "models":
            if value.startswith(("/", "./", "~")):
                continue
            for item in (v.strip() for v in value.replace(";", ",").split(",")):
                if item:
                    models.append((p, item, prefix))
        else:
            models.append((p, value, prefix))
    if not ai_context:
        ai_context = any(STRONG_AI_WORDS.intersection(p.key.lower().split("_")) for p in pairs) or any(
            strong_shape(v) for _, v, _ in models
        ) or any(e[3] == "strong" for e in endpoints)
    out: list[Detection] = []
    tied: set[int] = set()
    sole = [e for e in endpoints if e[3] != "weak"]
    for p, value, prefix in models:
        key_ai = bool(prefix) and is_ai_word("_".join(prefix))
        prov = prefix_provider(prefix) or provider
        if not plausible_model(value, generic=False, ai_context=ai_context or key_ai,
                               bare_ok=prov == "ollama" or hub == "ollama"):
            continue
        match = [e for e in endpoints if _matches(prefix, e[2])]
        match.sort(key=lambda e: -len(e[2]))
        ep = match[0] if match else None
        if ep is None:
            ep = _sole_endpoint(prefix, sole)
        if ep is not None:
            tied.add(id(ep))
        m_hub: Hub | None = "ollama" if prov == "ollama" else hub
        out.append(model_detection(
            value, p.line, kind=kind, detector=detector, snippet=p.snippet, provider=prov,
            base_url=ep[1] if ep else None, hub=m_hub, confidence="high" if strong_shape(value) else "medium",
            note=f"{p.key}" + (f" with {ep[0].key}" if ep else ""),
        ))
    for e in endpoints:
        if id(e) in tied or e[3] == "weak" or (e[3] == "base" and not ai_context):
            continue
        out.append(endpoint_detection(e[1], e[0].line, kind=kind, detector=detector, snippet=e[0].snippet,
                                      note=e[0].key))
    return out
