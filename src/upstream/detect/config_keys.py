"""Which configuration keys select a model, an endpoint or a provider, and what their values mean.

Shared by the YAML/TOML/JSON/INI walker, the .env reader, Dockerfiles and container manifests.
Keys are compared in a normal form: snake_case, lower case (`baseURL` -> `base_url`,
`weak-model` -> `weak_model`, `OPENAI_API_BASE` -> `openai_api_base`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from upstream.detect import Detection
from upstream.detect.identifiers import (
    canonical_id,
    guess_hub,
    has_family,
    hf_id_from_url,
    is_hf_id,
    is_model_file,
    is_ollama_name,
    is_ollama_tag,
    is_plausible,
    split_route,
)
from upstream.evidence import Confidence, EvidenceKind, Hub

# Provider names as configs write them -> the provider strings of the Detection contract.
PROVIDER_NAMES: dict[str, str | None] = {
    "openai": "openai", "azure": "azure-openai", "azure-openai": "azure-openai", "azure_openai": "azure-openai",
    "azureopenai": "azure-openai", "anthropic": "anthropic", "claude": "anthropic",
    "gemini": "google-genai", "google": "google-genai", "google-genai": "google-genai",
    "google_genai": "google-genai", "googleai": "google-genai", "google-ai-studio": "google-genai",
    "vertex": "vertexai", "vertexai": "vertexai", "vertex_ai": "vertexai", "google-vertex": "vertexai",
    "mistral": "mistral", "mistralai": "mistral", "groq": "groq", "cohere": "cohere",
    "dashscope": "dashscope", "tongyi": "dashscope", "qwen": "dashscope", "alibaba": "dashscope",
    "aliyun": "dashscope", "bailian": "dashscope", "zhipu": "zhipuai", "zhipuai": "zhipuai",
    "bigmodel": "zhipuai", "glm": "zhipuai", "chatglm": "zhipuai", "zai": "zai", "z.ai": "zai",
    "deepseek": "deepseek", "moonshot": "moonshot", "moonshotai": "moonshot", "kimi": "moonshot",
    "together": "together", "together_ai": "together", "togetherai": "together", "together-ai": "together",
    "fireworks": "fireworks", "fireworks_ai": "fireworks", "fireworksai": "fireworks",
    "openrouter": "openrouter", "xai": "xai", "grok": "xai", "bedrock": "bedrock", "aws_bedrock": "bedrock",
    "aws-bedrock": "bedrock", "amazon-bedrock": "bedrock", "ollama": "ollama",
    "hf-inference": "hf-inference", "huggingface-inference": "hf-inference",
    "huggingface_inference": "hf-inference", "huggingface-api": "hf-inference",
    "transformers": "transformers", "sentence-transformers": "sentence-transformers",
    "sentence_transformers": "sentence-transformers", "sentencetransformers": "sentence-transformers",
    "vllm": "vllm-server", "llamacpp": "llama-cpp", "llama-cpp": "llama-cpp", "llama.cpp": "llama-cpp",
    "llama_cpp": "llama-cpp", "lmstudio": "lmstudio", "lm_studio": "lmstudio", "lm-studio": "lmstudio",
    "mlx": "mlx",
}

# Words that mark a key, section or prefix as being about language models.
AI_WORDS = frozenset({
    "llm", "llms", "ai", "gpt", "openai", "azure_openai", "anthropic", "claude", "ollama", "vllm", "tgi",
    "lmstudio", "localai", "litellm", "deepseek", "qwen", "dashscope", "tongyi", "moonshot", "kimi", "zhipu",
    "zhipuai", "glm", "bigmodel", "minimax", "baichuan", "doubao", "ark", "volcengine", "siliconflow",
    "openrouter", "together", "groq", "mistral", "cohere", "gemini", "vertex", "xai", "grok", "fireworks",
    "perplexity", "cerebras", "sambanova", "nim", "hf", "huggingface", "inference", "embedding", "embeddings",
    "embed", "embedder", "chat", "completion", "completions", "model", "models", "rerank", "reranker",
    "whisper", "tts", "stt", "asr", "agent", "agents", "assistant", "rag", "generation", "generator", "lm",
    "llama", "llamacpp", "copilot", "langchain", "llamaindex", "bedrock", "serving", "vision",
})

# The AI words that say so on their own (not `model`, `chat`, `generation`, which other fields use too).
STRONG_AI_WORDS = AI_WORDS - {
    "model", "models", "chat", "generation", "generator", "vision", "agent", "agents", "serving", "assistant",
    "completion", "completions", "inference", "lm", "embed", "rag", "ai",
}

# Mapping keys whose presence beside a `model` says the mapping configures a language model.
AI_SIBLINGS = frozenset({
    "temperature", "max_tokens", "max_new_tokens", "top_p", "top_k", "api_key", "apikey", "provider",
    "base_url", "api_base", "system_prompt", "prompt", "stop", "frequency_penalty", "presence_penalty",
    "context_length", "context_window", "num_ctx", "max_input_tokens", "max_output_tokens", "litellm_params",
    "stream", "api_version", "model_provider", "llm_provider", "embedding_dim", "dimensions", "roles",
    "torch_dtype", "load_in_4bit", "load_in_8bit", "quantization", "lora_r", "trust_remote_code",
    "tokenizer", "max_seq_length", "max_length", "learning_rate", "adapter", "peft",
})

# Sibling keys that mark a mapping as describing hardware, vehicles or ORM rows, not an AI model.
NOT_AI_SIBLINGS = frozenset({
    "serial", "serial_number", "serialnumber", "vendor", "manufacturer", "make", "brand", "firmware",
    "os_version", "ram", "year", "color", "colour", "price", "sku", "pk", "fields", "vin", "mileage",
    "asset_tag", "rack", "wattage", "storage_gb", "imei", "chassis", "horsepower", "msrp",
})

_MODEL_EXACT = frozenset({
    "model", "model_name", "model_id", "model_path", "model_name_or_path", "pretrained_model_name_or_path",
    "pretrained_model", "base_model", "base_model_name_or_path", "base_model_id", "llm", "llm_model",
    "llm_name", "llm_model_name", "llm_model_id", "model_repo", "model_repo_id", "hf_model", "hf_model_id",
    "hf_repo", "hf_repo_id", "repo_id", "model_checkpoint", "checkpoint", "deployment_name",
    "azure_deployment", "azure_deployment_name", "model_file", "model_url", "model_uri", "storage_uri",
    "modelname", "modelid",
})
# Keys that also hold other things: their values must look like a model, whatever the context.
_GENERIC_MODEL_KEYS = frozenset({
    "checkpoint", "repo_id", "deployment_name", "azure_deployment", "azure_deployment_name", "model_file",
    "model_url", "model_uri", "storage_uri", "model_checkpoint", "model_path", "hf_repo", "hf_repo_id",
})
_MODEL_SUFFIXES = ("_model", "_model_name", "_model_id", "_model_path", "_model_name_or_path", "_llm",
                   "_deployment_name", "_deployment")
_NOT_MODEL_PARTS = frozenset({
    "response", "request", "data", "dataset", "datasets", "user", "auth", "db", "orm", "view", "domain",
    "pydantic", "serializer", "form", "entity", "schema", "output", "input", "result", "hub", "push",
    "tokenizer", "processor", "device", "hardware", "car", "vehicle", "phone", "gpu", "cpu", "printer",
    "camera", "parent", "related", "content", "document", "page", "threat", "cost", "pricing", "price",
    "business", "object", "mesh", "scene", "physics", "billing", "license", "permission", "role", "color",
    "lighting", "3d", "class", "table", "record", "item", "product", "admin", "queryset", "event",
})
# Keys inside a mapping that describes a model (`model: {name: ..., path: ...}`) that name it.
SECTION_MODEL_KEYS = frozenset({
    "name", "id", "path", "name_or_path", "pretrained", "repo", "repo_id", "hf_id", "hf_path",
    "identifier", "model", "model_name", "model_id", "pretrained_model_name_or_path", "checkpoint",
    "primary", "fallback",  # agent configs: `model: {primary: anthropic/claude-..., fallbacks: [...]}`
})
_SECTION_WORDS = frozenset({
    "llm", "language_model", "lm", "embedder", "embedding", "embeddings", "reranker", "teacher", "student",
})
PROVIDER_KEYS = frozenset({
    "provider", "model_provider", "llm_provider", "provider_name", "provider_id", "api_type", "llm_type",
    "llm_backend", "backend", "type", "client_type",
})
_ENDPOINT_SUFFIXES = ("api_base_url", "base_url", "api_base", "api_endpoint", "endpoint", "api_url",
                      "server_url", "api_host", "host", "url", "uri", "base")
_STRONG_BASES = ("base_url", "api_base", "api_base_url")

_CAMEL1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_DEFAULT_RE = re.compile(
    r"^\$\{\s*([A-Za-z0-9_][\w.]*)\s*(?::?[-=]\s*(.*?))?\s*\}$|^\$\{oc\.env:\s*([\w.]+)\s*(?:,\s*(.*?))?\s*\}$"
)
_URL_RE = re.compile(r"^(?:https?|wss?)://[^\s\"'<>]+$|^[A-Za-z0-9._-]+:\d{2,5}(?:/\S*)?$", re.I)
_OPENAI_HF_REPOS = ("whisper", "clip", "gpt-oss", "shap-e", "point-e", "consistency", "diffusers", "imagegpt")


@lru_cache(maxsize=8192)
def norm_key(key: str) -> str:
    """`baseURL` -> `base_url`, `weak-model` -> `weak_model`, `OPENAI_API_BASE` -> `openai_api_base`."""
    k = _CAMEL2.sub("_", _CAMEL1.sub("_", key.strip()))
    return re.sub(r"[-.\s]+", "_", k).lower()


def key_parts(nk: str) -> list[str]:
    return [p for p in nk.split("_") if p]


def provider_from_name(name: str) -> str | None:
    return PROVIDER_NAMES.get(name.strip().lower())


@lru_cache(maxsize=8192)
def is_ai_word(nk: str) -> bool:
    return nk in AI_WORDS or any(p in AI_WORDS for p in key_parts(nk))


@lru_cache(maxsize=8192)
def is_model_key(nk: str) -> bool:
    """A key whose scalar value is a model id (`model`, `llm_model`, `embedding_model`, `base_model`...)."""
    if nk in _MODEL_EXACT:
        return True
    if not nk.endswith(_MODEL_SUFFIXES) or nk.endswith(("_model_type", "_model_class")):
        return False
    return not any(p in _NOT_MODEL_PARTS for p in key_parts(nk))


@lru_cache(maxsize=8192)
def is_generic_model_key(nk: str) -> bool:
    return nk in _GENERIC_MODEL_KEYS or nk.endswith(("_deployment", "_deployment_name"))


@lru_cache(maxsize=8192)
def is_model_list_key(nk: str) -> bool:
    """`models:` / `embedding_models:` holding a list of model ids."""
    return (nk == "models" or nk.endswith("_models")) and not any(p in _NOT_MODEL_PARTS for p in key_parts(nk))


@lru_cache(maxsize=8192)
def is_model_section_key(nk: str) -> bool:
    """A key whose mapping value describes one model (`model: {name: ..., revision: ...}`)."""
    return nk in _SECTION_WORDS or (is_model_key(nk) and nk not in _GENERIC_MODEL_KEYS)


@lru_cache(maxsize=8192)
def endpoint_key_strength(nk: str) -> str | None:
    """`strong` (names an LLM endpoint), `base` (a bare base_url/api_base), `weak` (url/host/endpoint) or None."""
    for suf in _ENDPOINT_SUFFIXES:
        if nk == suf or nk.endswith("_" + suf):
            prefix = nk[: -len(suf)].rstrip("_")
            if prefix:
                if suf == "base" and not prefix.endswith("api"):
                    return None
                return "strong" if is_ai_word(prefix) else None
            if suf in _STRONG_BASES:
                return "base"
            return "weak" if suf != "base" else None
    return None


def unwrap(value: str) -> str | None:
    """The literal a value stands for: `${VAR:-default}` -> `default`, `${VAR}` -> None, else itself."""
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1].strip()
    if not v.startswith("${"):
        return v
    m = _DEFAULT_RE.match(v)
    if not m:
        return None
    default = m.group(2) if m.group(1) else m.group(4)
    if default is None:
        return None
    default = default.strip().strip("\"'")
    return unwrap(default) if default.startswith("${") else (default or None)


def is_url(value: str) -> bool:
    v = value.strip()
    if not _URL_RE.match(v):
        return False
    host = re.sub(r"^[a-z]+://", "", v, flags=re.I).split("/")[0].split(":")[0]
    return bool(host) and host not in ("0.0.0.0", "::")


def strong_shape(value: str) -> bool:
    """Whether a value looks like a model id on its own (family, repo id, route, model file, HF URL)."""
    v = value.strip()
    if hf_id_from_url(v) or v.startswith("hf://"):
        return True
    if is_model_file(v) or is_hf_id(v) or split_route(v):
        return True
    if is_ollama_tag(v):
        return has_family(v.split(":")[0].rsplit("/", 1)[-1])
    return has_family(v) and any(c.isdigit() or c in "-_:./" for c in v)


def _route(value: str, base_url: str | None) -> tuple[str, str] | None:
    parts = split_route(value)
    if parts is None:
        return None
    prefix, rest = parts
    if prefix == "openai" and rest.lower().startswith(_OPENAI_HF_REPOS):
        return None
    if prefix == "databricks" and not rest.lower().startswith("databricks-"):
        return None
    if prefix == "huggingface" and "/" not in rest:
        return None  # the `huggingface` organisation's own repos (`huggingface/CodeBERTa-small-v1`)
    if base_url and "openrouter" in base_url.lower() and prefix != "openrouter":
        return None
    return prefix, rest


def model_detection(
    value: str, line: int, *, kind: EvidenceKind, detector: str, snippet: str, provider: str | None = None,
    base_url: str | None = None, hub: Hub | None = None, confidence: Confidence = "medium",
    note: str | None = None, route: bool = True, revision: str | None = None,
) -> Detection:
    """A model Detection for a config value, splitting LiteLLM routes and Hugging Face URLs."""
    canonical: str | None = None
    v = value.strip()
    if route and not (provider and not provider.startswith("litellm")):
        parts = _route(v, base_url)
        if parts:
            prefix, rest = parts
            provider = f"litellm/{prefix}"
            if prefix in ("ollama", "ollama_chat"):
                hub = "ollama"
            elif prefix in ("hosted_vllm", "vllm", "huggingface", "lm_studio", "llamafile"):
                hub = guess_hub(rest)
            else:
                hub = "api"
            canonical = canonical_id(rest, hub)
    if canonical is None:
        url_id = hf_id_from_url(v)
        if url_id:
            canonical, hub = url_id, "huggingface"
        elif v.startswith("hf://"):
            canonical, hub = v[5:].strip("/"), "huggingface"
    return Detection(
        subject="model", value=v, line=line, kind=kind, confidence=confidence, detector=detector,
        technique="manifest-analysis", snippet=snippet, provider=provider, base_url=base_url, hub=hub,
        canonical=canonical, note=note, revision=revision,
    )


def endpoint_detection(value: str, line: int, *, kind: EvidenceKind, detector: str, snippet: str,
                       note: str | None = None) -> Detection:
    return Detection(subject="endpoint", value=value.strip(), line=line, kind=kind, confidence="medium",
                     detector=detector, technique="manifest-analysis", snippet=snippet, note=note)


def plausible_model(value: str, *, generic: bool, ai_context: bool, bare_ok: bool = False) -> bool:
    """Whether a value under a model key is reported: keyed plausibility, and a model's shape unless
    the key and its surroundings say plainly that this is a language-model setting. A bare family
    name (`qwen`, `mistral`) counts only where it is a real tag (`bare_ok`: Ollama), not an alias."""
    v = value.strip()
    if v.startswith("hf://"):
        return is_hf_id(v[5:].strip("/"))
    if v.startswith(("os.environ/", "env:", "secret:", "file:")):
        return False
    if bare_ok and is_ollama_name(v):
        return True  # the mapping says Ollama serves it (`provider: ollama`): any library name is a model
    route = split_route(v)
    if route and not is_plausible(v, "keyed"):
        return is_plausible(route[1], "strong") and route[1] not in ("*", "latest")
    if not is_plausible(v, "keyed"):
        return False
    if strong_shape(v):
        return True
    if not any(c.isdigit() or c in "-_:./" for c in v) and not bare_ok:
        return False
    return ai_context and not generic


def dedupe(found: list[Detection]) -> list[Detection]:
    """One detection per (subject, value, line), keeping the most informed."""
    best: dict[tuple[str, str, int], Detection] = {}
    for d in found:
        key = (d.subject, d.value, d.line)
        old = best.get(key)
        if old is None or _informed(d) > _informed(old):
            best[key] = d
    return sorted(best.values(), key=lambda d: (d.line, d.subject, d.value))


def _informed(d: Detection) -> int:
    return (d.base_url is not None) * 4 + (d.provider is not None) * 2 + (d.hub is not None) + len(d.related)
