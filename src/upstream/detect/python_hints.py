"""What the names around a model id say about who serves it.

Two hints, both from how settings are written in real projects:

- a base URL kept beside the model under a sibling name with the same prefix (`llm_base_url` /
  `llm_model` in one settings class, `KIMI_BASE_URL` / `KIMI_MODEL` at module level);
- a key that names a provider (`openai_model = "gpt-5-mini"`, `GROQ_MODEL`, `{"ollama": "llama3.2"}`),
  taken only when the value has the shape of that provider's model names.
"""

from __future__ import annotations

import ast
import re

from upstream.detect.python_clients import is_url
from upstream.detect.python_facts import Scope
from upstream.detect.python_flow import Flow
from upstream.detect.python_routes import infer_vendor
from upstream.evidence import Hub

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_MODEL_WORDS = frozenset({"model", "models", "llm", "llms", "deployment", "checkpoint", "ckpt", "engine"})
# How a base URL's name ends (`llm_base_url`, `OPENAI_API_BASE`, `OLLAMA_HOST`, `deepseek_endpoint`).
_URL_TAILS: tuple[tuple[str, ...], ...] = (
    ("base", "url"), ("base", "uri"), ("api", "base"), ("api", "url"), ("api", "host"), ("api", "endpoint"),
    ("server", "url"), ("endpoint", "url"), ("endpoint",), ("host",), ("url",),
)
# Model names with these prefix words belong to the one unprefixed base URL of their group (`base_url` beside
# `llm_model`); anything else (`embedding_model`, `vision_model`) may be served elsewhere.
_GENERIC = frozenset({"llm", "chat", "default", "main", "completion", "completions", "generation", "text", "ai"})

# What a model API's base URL looks like: an OpenAI-style version path, an Ollama port, a known API host.
_MODEL_API = re.compile(
    r"(?i)/v\d+(?:beta)?/?(?:$|[?#])|/(?:api/)?v\d+/openai|compatible-mode|/openai/?$|:11434|:1234\b|"
    r"(?:openai|anthropic|deepseek|dashscope|aliyuncs|moonshot|groq|together|fireworks|openrouter|mistral|bigmodel|"
    r"volces|siliconflow|googleapis|x\.ai|cohere|ollama|huggingface|minimax|baichuan|lingyiwanwu|stepfun|"
    r"perplexity|cerebras|sambanova|deepinfra|novita|hyperbolic|nvidia|azure)[\w.-]*\.[a-z]{2,}")

# Words in a key that name a provider, mapped to the provider strings of the detection contract.
_PROVIDER_WORDS: dict[str, str] = {
    "openai": "openai", "azure": "azure-openai", "anthropic": "anthropic", "gemini": "google-genai",
    "google": "google-genai", "genai": "google-genai", "vertex": "vertexai", "vertexai": "vertexai",
    "mistral": "mistral", "mistralai": "mistral", "groq": "groq", "cohere": "cohere", "dashscope": "dashscope",
    "tongyi": "dashscope", "zhipu": "zhipuai", "zhipuai": "zhipuai", "bigmodel": "zhipuai", "deepseek": "deepseek",
    "moonshot": "moonshot", "kimi": "moonshot", "together": "together", "fireworks": "fireworks",
    "openrouter": "openrouter", "xai": "xai", "grok": "xai", "bedrock": "bedrock", "ollama": "ollama",
}
# The vendor whose own names a first-party API serves (`infer_vendor`): `openai_model = "qwen-plus"` is an
# OpenAI-compatible client pointed elsewhere, not OpenAI.
_FIRST_PARTY: dict[str, tuple[str, ...]] = {
    "openai": ("openai",), "anthropic": ("anthropic",), "google-genai": ("google",), "vertexai": ("google",),
    "mistral": ("mistral",), "cohere": ("cohere",), "deepseek": ("deepseek",), "xai": ("xai",),
}
_ORG_IDS = frozenset({"groq", "together", "fireworks", "openrouter", "bedrock", "ollama"})  # `org/name` ids too
_TAGGED = frozenset({"openrouter", "bedrock", "ollama"})  # `name:tag` ids


def words(name: str) -> list[str]:
    """`llm_base_url` -> [llm, base, url]; `openAIModel` -> [open, ai, model] (lower-cased)."""
    return [w.lower() for w in _WORDS.findall(name)]


def url_prefix(name: str) -> tuple[str, ...] | None:
    """The words before a base-URL ending (`KIMI_BASE_URL` -> (kimi,)), or None when not named like one."""
    ws = words(name)
    for tail in _URL_TAILS:
        if len(ws) >= len(tail) and tuple(ws[-len(tail):]) == tail:
            return tuple(ws[:-len(tail)])
    return None


def model_prefix(name: str) -> tuple[str, ...]:
    """The words before the last model word (`LLM_MODEL_NAME` -> (llm,), `model` -> ())."""
    ws = words(name)
    idx = [i for i, w in enumerate(ws) if w in _MODEL_WORDS]
    return tuple(ws[:idx[-1]]) if idx else tuple(ws)


def pairs(url_words: tuple[str, ...], model_words: tuple[str, ...], url: str) -> bool:
    """Whether a base URL named by `url_words` serves a model named by `model_words`. A bare `BASE_URL` is often
    the app's own server, so it pairs only when its value looks like a model API."""
    if url_words and url_words != ("api",):
        return model_words[:len(url_words)] == url_words
    return all(w in _GENERIC for w in model_words) and bool(_MODEL_API.search(url))


def key_provider(key: str | None, value: str) -> tuple[str, Hub | None] | None:
    """The provider a key names (`groq_model`, a dict key `"ollama"`), when `value` fits its model names."""
    if not key:
        return None
    ws = words(key)
    cut = [i for i, w in enumerate(ws) if w in _MODEL_WORDS]
    head = ws[:cut[-1]] if cut else ws
    if cut and not head:
        return None
    names = [*head, *("".join(head[i:i + 2]) for i in range(len(head) - 1))]  # `open`+`ai`
    found = [_PROVIDER_WORDS[w] for w in names if w in _PROVIDER_WORDS]
    if not found or len(set(found) - {"openai"}) > 1:
        return None
    provider = "azure-openai" if "azure-openai" in found else found[0]
    if not _fits(provider, value):
        return None
    return provider, "ollama" if provider == "ollama" else "api"


def _fits(provider: str, value: str) -> bool:
    if "/" in value and provider not in _ORG_IDS:
        return False
    if ":" in value and provider not in _TAGGED:
        return False
    vendors = _FIRST_PARTY.get(provider)
    if vendors is not None:
        vendor = infer_vendor(value)
        return vendor in vendors or (provider == "vertexai" and vendor == "anthropic")
    return True


class Siblings:
    """Base URLs named like a model's siblings: in the same scope, or among the attributes of the same class."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self._groups: dict[int, list[tuple[tuple[str, ...], str]]] = {}

    def base_url(self, key: str, scope: Scope) -> str | None:
        """The base URL a model named `key` and bound in `scope` pairs with (longest matching prefix)."""
        mwords = model_prefix(key)
        best: tuple[int, str] | None = None
        for uwords, url in self._urls(scope):
            if pairs(uwords, mwords, url) and (best is None or len(uwords) > best[0]):
                best = (len(uwords), url)
        return best[1] if best else None

    def _urls(self, scope: Scope) -> list[tuple[tuple[str, ...], str]]:
        key = id(scope)
        if key not in self._groups:
            self._groups[key] = []  # guards against re-entry while resolving
            values: list[tuple[str, ast.expr, Scope]] = [
                (n, v, scope) for n, vs in scope.bindings.items() for v in vs if isinstance(v, ast.expr)]
            cls = scope.cls
            if cls is not None:
                values.extend((n, v, s) for n, vs in cls.attrs.items() for v, s in vs if isinstance(v, ast.expr))
            found: dict[tuple[str, ...], str] = {}
            for name, value, s in values[:2000]:
                uwords = url_prefix(name)
                if uwords is None or uwords in found:
                    continue
                url = next((o.value for o in self.flow.strings(value, s) if is_url(o.value)), None)
                if url:
                    found[uwords] = url
            self._groups[key] = list(found.items())
        return self._groups[key]
