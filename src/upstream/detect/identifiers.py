"""What a model identifier looks like: shared judgement for every detector.

Three strengths of context decide how much a string must look like a model to be reported:

- ``strong``: the string is handed to something that only takes models (`from_pretrained`, an SDK's
  `model=`). Anything that is not obviously something else is accepted.
- ``keyed``: the string sits under a key or variable that names a model (`model:`, `LLM_MODEL=`),
  but such keys also hold other things (`AUTH_USER_MODEL = "accounts.User"`). It must have the shape
  of a model id: an org/name repo id, a versioned name, or a known family.
- ``mention``: free text (docs, comments). Only identifiers of known model families with a concrete
  version or size count, so that "GPT partition table" or "the Gemini camera" never do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from upstream.evidence import Hub

Strength = Literal["strong", "keyed", "mention"]

MODEL_FILE_SUFFIXES = (
    ".gguf", ".ggml", ".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".h5", ".keras",
    ".tflite", ".mlmodel", ".pb", ".llamafile", ".nemo", ".engine", ".plan", ".mar", ".pkl", ".joblib",
)

# Families whose names identify a model wherever they appear with a version or size.
FAMILY_TOKENS = (
    "gpt", "chatgpt", "davinci", "text-embedding", "text-davinci", "whisper", "dall-e", "tts-1", "o1", "o3",
    "o4", "claude", "gemini", "gemma", "palm", "bison", "llama", "codellama", "llava", "mistral", "mixtral",
    "codestral", "ministral", "pixtral", "magistral", "devstral", "qwen", "qwq", "qvq", "deepseek", "yi",
    "baichuan", "chatglm", "glm", "codegeex", "internlm", "internvl", "kimi", "moonshot", "minimax", "abab",
    "ernie", "hunyuan", "doubao", "skywork", "step", "phi", "falcon", "bloom", "bloomz", "starcoder",
    "starcoder2", "santacoder", "codegen", "codet5", "t5", "flan", "mt5", "bert", "roberta", "distilbert",
    "deberta", "electra", "xlm", "bart", "mbart", "mpnet", "minilm", "bge", "e5", "gte", "jina", "nomic",
    "mxbai", "command", "aya", "jamba", "grok", "nemotron", "granite", "olmo", "smollm", "smollm2",
    "tinyllama", "vicuna", "zephyr", "openchat", "hermes", "dolphin", "wizardlm", "wizardcoder", "orca",
    "stable-diffusion", "stablelm", "sdxl", "flux", "clip", "siglip", "vit", "wav2vec2", "opt", "pythia",
    "gpt2", "gpt-neo", "gpt-j", "gpt-neox", "mpt", "solar", "exaone", "apertus", "sonar", "seed", "ling",
    "ring", "mimo", "longcat", "embed", "rerank", "reranker", "voyage", "cohere", "labse", "sentence-t5",
    "all-minilm", "paraphrase", "multilingual", "e5-mistral", "nv-embed", "snowflake-arctic", "arctic",
    "dbrx", "reka", "nova", "titan", "jurassic", "cogvlm", "minicpm", "chatglm2", "chatglm3", "ernie-bot",
    "xverse", "aquila", "telechat", "sensenova", "spark", "pangu", "text-moderation", "omni",
)
# Family names that are also ordinary words or other products: in free text they count only with a size
# or a model variant (`falcon-7b`, `step-1v-8k` yes; `Falcon-9`, `seed-42`, `spark-3.5.0` no).
AMBIGUOUS_FAMILIES = frozenset({
    "step", "seed", "spark", "falcon", "ring", "ling", "nova", "titan", "omni", "command", "flux", "clip", "vit",
    "opt", "mpt", "solar", "sonar", "bloom", "palm", "bison", "phi", "yi", "arctic", "aya", "jamba", "orca",
    "dolphin", "hermes", "zephyr", "openchat", "mimo", "reka", "aquila", "pangu", "xverse", "e5", "gte", "bge",
    "t5", "mt5", "flan", "bert", "bart", "mbart", "xlm", "electra", "mpnet", "minilm", "rerank", "reranker",
    "voyage", "labse", "jina", "nomic", "mxbai", "granite", "jurassic",
    "gpt", "davinci", "whisper", "o1", "o3", "o4", "dbrx", "telechat", "sensenova", "longcat",
})
_SIZE_OR_VARIANT_RE = re.compile(
    r"(?i)(?:^|[-_.:])(?:\d+(?:\.\d+)?[bmk]|a\d+b|m\d+|\d+(?:\.\d+)*-(?:dev|schnell|pro|kontext|lite|mini|flash|"
    r"turbo|plus|max|preview|vision)|\d+x\d+b|instruct|chat|coder|base|it|hf|gguf|awq|gptq|"
    r"embed|embedding|reranker|large|small|medium|xl|xxl|mini|turbo|preview|vision|omni|v\d+(?:\.\d+)*)(?:$|[-_.:])"
)
_NUMBERED_RELEASE_RE = re.compile(
    r"(?i)^(?:gpt-?[345](?:\.\d)?(?:o)?(?:-[a-z0-9.]+)*|o[134]-[a-z]+|whisper-large-v\d"
    r"|phi-?(?:1(?:\.5)?|2|3(?:\.5)?|4)(?:-[a-z0-9.]+)*)$"  # Microsoft's Phi releases: phi-2, phi-3.5, phi-4
)
# Whole identifiers that are models although they carry no version (`command-r`, `nomic-embed-text`).
KNOWN_BARE_MODELS = frozenset({
    "command-r", "command-r-plus", "command-light", "command-nightly", "nomic-embed-text", "mxbai-embed-large",
    "tts-1", "tts-1-hd", "whisper-1", "dall-e-2", "dall-e-3", "o1-mini", "o1-preview", "o3-mini", "o4-mini",
    "gpt-4o", "gpt-4o-mini", "chatgpt-4o-latest", "deepseek-chat", "deepseek-reasoner", "deepseek-coder",
    "qwen-max", "qwen-plus", "qwen-turbo", "qwen-long", "glm-4-plus", "moonshot-v1-8k", "moonshot-v1-32k",
    "moonshot-v1-128k", "kimi-latest", "mistral-large-latest", "mistral-small-latest", "codestral-latest",
    "open-mistral-nemo", "gemini-pro", "claude-instant-1", "text-embedding-ada-002", "all-minilm",
})
# Identifier endings that name software, docs or styles, not models (`gpt-3-encoder`, `llama.cpp`).
_NOT_MODEL_ENDINGS = re.compile(
    r"(?i)(?:[-_.](?:style|like|based|compatible|python|py|cpp|node|js|ts|sdk|api|client|server|cookbook|recipes|"
    r"webui|ui|examples?|docs|tokenizer|encoder|models|cli|app|bot|plugin|proxy|router|gateway|benchmark|eval|"
    r"evals|paper|repo|org)|4all)$"
)
def word_alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, built as a trie (`ab(?:c|d)?`). `re` tries the branches of an
    alternation one by one at every position; sharing prefixes makes searches over many words much faster.
    Greedy like a longest-first alternation, and it backtracks to shorter words the same way."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie_pattern(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        body = f"(?:{body})?" if len(branches) == 1 else body + "?"
    return body


_FAMILY_ALT = word_alternation({t.lower() for t in FAMILY_TOKENS})

# A family token followed by something concrete: a version, a size or a variant.
_MENTION_RE = re.compile(
    rf"(?i)^(?:{_FAMILY_ALT})(?:[-_.:]?v?\d[\w.:-]*|[-_.:][a-z0-9][\w.:-]*\d[\w.:-]*|-(?:chat|coder|instruct|"
    rf"reasoner|turbo|mini|nano|pro|flash|lite|max|plus|base|large|small|medium|sonnet|opus|haiku)[\w.:-]*)$"
)
_FAMILY_PREFIX_RE = re.compile(rf"(?i)(?:^|[-_/.])(?:{_FAMILY_ALT})(?:$|[-_.:\d])")

_HF_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_OLLAMA_RE = re.compile(r"^(?:[a-z0-9._-]+/)?[a-z0-9][a-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._-]*$")
_API_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")
_ROUTE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$")  # API names and `provider/org/model` routes
_PRODUCT_CODE_RE = re.compile(r"^[A-Za-z]{1,3}-?\d+[A-Za-z]?$")  # F-150, T-800, LX-300: not models
_HF_URL_RE = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
    r"(?!(?:datasets|spaces|docs|blog|papers|learn|models|organizations|collections|tasks|settings|login|join|"
    r"pricing|chat|posts|enterprise|api|new|search|inference-endpoints)/)([A-Za-z0-9][\w.-]*/[\w.-]+)"
)
_DJANGO_MODEL_RE = re.compile(r"^[a-z_][a-z0-9_]*\.[A-Z][A-Za-z0-9]*$")
_NOT_ORG = {
    "application", "text", "image", "audio", "video", "multipart", "font", "message", "model",
    "and", "or", "input", "true", "yes", "on", "read", "src", "lib", "dist", "tmp", "var", "usr",
    "etc", "home", "opt", "bin", "data", "docs", "tests", "test", "app", "api", "v1", "v2", "http", "https",
    "models", "checkpoints", "checkpoint", "weights", "outputs", "output", "ckpt", "runs", "saved_models",
    "artifacts", "cache", "local", "assets", "static", "public", "fixtures", "blog", "papers", "learn",
}
_NOT_MODEL_WORDS = {
    "", "default", "none", "null", "nil", "true", "false", "auto", "base", "custom", "local", "test",
    "string", "str", "model", "models", "name", "your-model", "your_model", "my-model", "model-name",
    "model_name", "xxx", "todo", "tbd", "n/a", "na", "any", "all", "openai", "anthropic", "ollama", "azure",
    "google", "gemini", "huggingface", "hf", "llm", "chat", "embedding", "embeddings", "completion",
    "user", "assistant", "system", "<model>", "$model", "...", "placeholder", "fake", "mock", "dummy",
}
_NON_MODEL_SUFFIXES = (
    ".py", ".js", ".ts", ".json", ".yaml", ".yml", ".toml", ".txt", ".csv", ".md", ".html", ".css", ".png",
    ".jpg", ".jpeg", ".svg", ".gif", ".ipynb", ".sh", ".cfg", ".ini", ".lock", ".log", ".xml", ".parquet",
    ".jsonl", ".tsv", ".zip", ".tar", ".gz", ".pdf", ".env", ".glb", ".gltf", ".obj", ".fbx", ".stl", ".usdz",
    ".dae", ".3ds", ".ply", ".mp3", ".wav", ".mp4", ".webp", ".modelfile", ".conf", ".service", ".ps1", ".bat",
    ".cmd", ".tf", ".j2", ".tpl", ".ini",
)
_STOPWORDS = frozenset({
    "is", "a", "an", "the", "to", "of", "in", "on", "and", "or", "it", "be", "by", "as", "at", "if", "for", "with",
    "this", "that", "from", "not", "no", "yes", "use", "run", "see", "set", "get", "new", "all", "any", "id",
})
# Bare family names that are themselves Ollama library tags (`ollama run mistral`).
OLLAMA_BARE_NAMES = frozenset({
    "mistral", "mixtral", "llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "codellama",
    "gemma", "gemma2", "gemma3", "phi", "phi3", "phi4", "qwen", "qwen2", "qwen2.5", "qwen3", "qwq", "deepseek-r1",
    "deepseek-v3", "deepseek-coder", "starcoder2", "tinyllama", "llava", "vicuna", "zephyr", "orca-mini",
    "nomic-embed-text", "mxbai-embed-large", "all-minilm", "codestral", "smollm2", "granite3.1-dense",
    "falcon", "falcon3", "yi", "solar", "openchat", "dolphin-mixtral", "wizardlm2", "olmo2", "command-r",
})
_BEDROCK_RE = re.compile(r"^(?:[a-z]{2}\.)?[a-z0-9-]+\.[a-z0-9.-]+-v\d+(?::\d+)?$")


def hf_id_from_url(value: str) -> str | None:
    """`https://huggingface.co/Qwen/Qwen2.5-7B/tree/main` -> `Qwen/Qwen2.5-7B`."""
    m = _HF_URL_RE.match(value.strip())
    if not m:
        return None
    org, _, name = m.group(1).partition("/")
    name = name.split("/")[0]
    return f"{org}/{name}" if name else None


def is_model_file(value: str) -> bool:
    return value.lower().endswith(MODEL_FILE_SUFFIXES)


def looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "../", "~/", "$")) or value.count("/") >= 2 or "\\" in value


def is_hf_id(value: str) -> bool:
    if not _HF_ID_RE.match(value):
        return False
    org, name = value.split("/", 1)
    if org.lower() in _NOT_ORG or name.lower().endswith(_NON_MODEL_SUFFIXES) or _NOT_MODEL_ENDINGS.search(name):
        return False
    return any(c.isalpha() for c in name) and not org.isdigit()


def is_ollama_tag(value: str) -> bool:
    return bool(_OLLAMA_RE.match(value)) and not value.startswith(("http", "localhost"))


_OLLAMA_NAME_RE = re.compile(r"^(?:[a-z0-9._-]+/)?[a-z][a-z0-9._-]{2,63}(?::[A-Za-z0-9][A-Za-z0-9._-]*)?$")


def is_ollama_name(value: str) -> bool:
    """An Ollama library or registry name, known family or not (`codeqwen`, `codegemma:7b`, `user/model:tag`):
    for places that already say the model is served by Ollama. Reserved words (`default`, `auto`) excluded."""
    v = value.strip()
    base = v.split(":", 1)[0].rsplit("/", 1)[-1]
    return bool(_OLLAMA_NAME_RE.match(v)) and base not in _NOT_MODEL_WORDS and base not in _STOPWORDS


def has_family(value: str) -> bool:
    """Whether a known model family appears as a token of the identifier."""
    return bool(_FAMILY_PREFIX_RE.search(value))


def is_family_mention(value: str) -> bool:
    """A concrete, versioned identifier of a known family (`gpt-4o`, `qwen2.5:7b`, `claude-3-haiku`)."""
    low = value.lower()
    if low in KNOWN_BARE_MODELS:
        return True
    if _NOT_MODEL_ENDINGS.search(value) or not _MENTION_RE.match(value):
        return False
    head = re.match(rf"(?i)^(?:{_FAMILY_ALT})", value)
    family = head.group(0).lower() if head else ""
    if family in AMBIGUOUS_FAMILIES and not _SIZE_OR_VARIANT_RE.search(value[len(family):]):
        # `gpt-4`, `gpt-3.5-turbo`, `o1-mini`: the few ambiguous families with well-known numbered releases
        return bool(_NUMBERED_RELEASE_RE.match(value))
    return True


def is_plausible(value: str, strength: Strength) -> bool:
    """Whether `value`, found in a context of the given strength, should be reported as a model."""
    v = value.strip()
    if not v or len(v) > 200 or any(c.isspace() for c in v) or v.startswith("$") or "${" in v or "`" in v:
        return False  # whitespace, or a shell/template variable left unresolved
    low = v.lower()
    if low in _STOPWORDS:
        return False
    if low in _NOT_MODEL_WORDS or low.startswith(("http://", "https://", "{", "<", "${", "%(")):
        return bool(hf_id_from_url(v)) and strength != "mention"
    if _DJANGO_MODEL_RE.match(v) or (v.endswith(_NON_MODEL_SUFFIXES) and not is_model_file(v)):
        return False
    if strength == "strong":
        return bool(_ROUTE_RE.match(v) or is_hf_id(v) or looks_like_path(v) or is_model_file(v))
    route = split_route(v)
    if route and route[1]:
        return is_plausible(route[1], "keyed" if strength == "keyed" else "mention") or (
            strength == "keyed" and bool(_ROUTE_RE.match(route[1])))
    if is_model_file(v):
        return strength == "keyed"
    if looks_like_path(v):
        return strength == "keyed" and has_family(v)
    if is_hf_id(v):
        return strength == "keyed" or has_family(v.split("/", 1)[1]) or has_family(v.split("/", 1)[0])
    if strength == "keyed":
        if not _API_NAME_RE.match(v) or v.replace(".", "").replace("-", "").isdigit():
            return False
        if low in OLLAMA_BARE_NAMES:
            return True
        shaped = (any(c.isdigit() for c in v) and re.search(r"[A-Za-z]{2}", v) is not None
                  and ("-" in v or ":" in v or "." in v) and not _PRODUCT_CODE_RE.match(v))
        return shaped or (has_family(v) and ("-" in v or ":" in v or any(c.isdigit() for c in v)))
    return is_family_mention(v) or (is_ollama_tag(v) and has_family(v.split(":")[0]))


def guess_hub(value: str) -> Hub:
    """Where an identifier most likely lives, from its shape alone."""
    v = value.strip()
    if hf_id_from_url(v):
        return "huggingface"
    if is_model_file(v) or looks_like_path(v):
        return "file"
    if _BEDROCK_RE.match(v):
        return "api"
    if is_hf_id(v):
        return "huggingface"
    if is_ollama_tag(v):
        return "ollama"
    return "api"


def canonical_id(value: str, hub: Hub) -> str:
    """A normalised identifier for grouping: repo ids from URLs, lower-case Ollama tags, `:latest` implied."""
    v = value.strip()
    if hub == "ollama" and v.lower().startswith(("hf.co/", "huggingface.co/")):
        repo = v.split("/", 1)[1].split(":", 1)[0]  # Ollama pulls a Hugging Face repo: the repo is the model
        return repo
    url_id = hf_id_from_url(v)
    if url_id:
        return url_id
    if v.startswith("hf://"):
        v = v[5:]
    if hub == "ollama":
        v = v.lower()
        if v.startswith("hf.co/") or v.startswith("huggingface.co/"):
            return v
        return v if ":" in v else f"{v}:latest"
    if hub == "huggingface":
        return v.rstrip("/")
    return v


# LiteLLM provider prefixes (`deepseek/deepseek-chat`), mapped to the endpoint record that serves them.
LITELLM_PROVIDERS: dict[str, str | None] = {
    "openai": "openai", "text-completion-openai": "openai", "azure": "azure", "azure_ai": "azure",
    "anthropic": "anthropic", "deepseek": "deepseek", "dashscope": "dashscope-intl", "moonshot": "moonshot-intl",
    "zai": "zai", "zhipuai": "bigmodel", "volcengine": "volcengine-ark", "minimax": "minimax-global",
    "gemini": "gemini", "vertex_ai": "vertex", "vertex_ai_beta": "vertex", "mistral": "mistral",
    "codestral": "mistral", "groq": "groq", "cohere": "cohere", "cohere_chat": "cohere",
    "together_ai": "together", "fireworks_ai": "fireworks", "openrouter": "openrouter",
    "deepinfra": "deepinfra", "bedrock": "bedrock", "bedrock_converse": "bedrock", "sagemaker": "sagemaker",
    "huggingface": "hf-router", "ollama": "local-ollama", "ollama_chat": "local-ollama",
    "lm_studio": "local-lmstudio", "hosted_vllm": None, "vllm": None, "xai": "xai",
    "cerebras": "cerebras", "sambanova": "sambanova", "nvidia_nim": "nvidia-nim", "perplexity": "perplexity",
    "replicate": "replicate", "databricks": "databricks", "watsonx": "watsonx", "cloudflare": "cloudflare",
    "friendliai": "friendliai", "github": "github-models", "nebius": "nebius", "novita": "novita",
    "siliconflow": "siliconflow-intl", "baseten": "baseten", "ai21": "ai21", "voyage": "voyage",
    "jina_ai": "jina", "llamafile": "local-llamafile", "litellm_proxy": None, "custom_openai": None,
}


def split_route(value: str) -> tuple[str, str] | None:
    """`deepseek/deepseek-chat` -> (`deepseek`, `deepseek-chat`) when the prefix is a LiteLLM provider."""
    prefix, sep, rest = value.partition("/")
    if sep and rest and prefix.lower() in LITELLM_PROVIDERS:
        return prefix.lower(), rest
    return None
