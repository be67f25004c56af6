"""Model strings that carry their provider: LiteLLM routes, LangChain and pydantic-ai `provider:model`."""

from __future__ import annotations

from dataclasses import dataclass

from upstream.detect.identifiers import canonical_id, split_route
from upstream.detect.python_catalog import Route
from upstream.evidence import Hub

# init_chat_model's model_provider values -> provider strings of the detection contract.
_LANGCHAIN_PROVIDERS: dict[str, str | None] = {
    "openai": "openai", "anthropic": "anthropic", "azure_openai": "azure-openai", "azure_ai": "azure-openai",
    "google_vertexai": "vertexai", "google_genai": "google-genai", "google_anthropic_vertex": "vertexai",
    "bedrock": "bedrock", "bedrock_converse": "bedrock", "cohere": "cohere", "fireworks": "fireworks",
    "together": "together", "mistralai": "mistral", "huggingface": "hf-inference", "groq": "groq",
    "ollama": "ollama", "deepseek": "deepseek", "xai": "xai", "perplexity": None, "ibm": None, "nvidia": None,
}
# pydantic-ai's `provider:model` prefixes.
_PYDANTIC_AI_PROVIDERS: dict[str, str | None] = {
    "openai": "openai", "anthropic": "anthropic", "google-gla": "google-genai", "google-vertex": "vertexai",
    "gemini": "google-genai", "vertexai": "vertexai", "groq": "groq", "mistral": "mistral", "cohere": "cohere",
    "deepseek": "deepseek", "bedrock": "bedrock", "huggingface": "hf-inference", "openrouter": "openrouter",
    "grok": "xai", "together": "together", "fireworks": "fireworks", "azure": "azure-openai",
    "moonshotai": "moonshot", "heroku": None, "cerebras": None,
}
_OPENAI_PREFIXES = ("gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-", "davinci", "babbage", "dall-e",
                    "whisper-", "tts-", "text-davinci", "gpt-realtime", "omni-moderation")


@dataclass(frozen=True, slots=True)
class Routed:
    provider: str | None
    canonical: str | None  # the model part when the value wraps it
    hub: Hub | None


def infer_vendor(model: str) -> str | None:
    """The vendor a bare model name implies in routers that guess (`gpt-4o` -> openai)."""
    low = model.lower()
    if low.startswith(_OPENAI_PREFIXES):
        return "openai"
    for prefix, vendor in (("claude", "anthropic"), ("gemini", "google"), ("command", "cohere"),
                           ("mistral", "mistral"), ("mixtral", "mistral"), ("codestral", "mistral"),
                           ("deepseek", "deepseek"), ("grok", "xai")):
        if low.startswith(prefix):
            return vendor
    return None


def _hub_model(provider: str | None, model: str, default: Hub | None) -> tuple[str | None, Hub | None]:
    """Canonical and hub for a model part, given the provider that serves it."""
    key = (provider or "").rsplit("/", 1)[-1]
    if key in ("ollama", "ollama_chat"):
        return canonical_id(model, "ollama"), "ollama"
    if key in ("huggingface", "hf-inference"):
        return model, "huggingface"
    return model, default


def route(kind: Route, value: str, provider_kw: str | None = None) -> Routed:
    """Split a routed model string into provider, canonical id and hub."""
    if kind == "litellm":
        split = split_route(value)
        if split:
            prefix, rest = split
            canon, hub = _hub_model(prefix, rest, "api")
            return Routed(f"litellm/{prefix}", canon, hub)
        vendor = infer_vendor(value)
        lite = {"openai": "openai", "anthropic": "anthropic", "cohere": "cohere", "google": "vertex_ai"}.get(
            vendor or "")
        return Routed(f"litellm/{lite}" if lite else None, None, "api")
    table = _LANGCHAIN_PROVIDERS if kind == "langchain" else _PYDANTIC_AI_PROVIDERS
    prefix, sep, rest = value.partition(":")
    if provider_kw is not None:
        provider, model, wrapped = table.get(provider_kw.lower()), value, False
    elif sep and rest and prefix.lower() in table:
        provider, model, wrapped = table[prefix.lower()], rest, True
    else:
        vendor = infer_vendor(value)
        guess = {"google": "google_vertexai" if kind == "langchain" else "google-gla", "mistral": "mistralai"
                 if kind == "langchain" else "mistral"}.get(vendor or "", vendor or "")
        provider, model, wrapped = table.get(guess), value, False
    full = provider and (f"langchain/{provider}" if kind == "langchain" else provider)
    canon, hub = _hub_model(provider, model, "api")
    if not wrapped and hub != "ollama":
        canon = None
    return Routed(full, canon, hub)
