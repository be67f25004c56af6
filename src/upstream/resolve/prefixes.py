"""Provider prefixes and vendor slugs: how routers and clouds write a model id in front of the model.

Routes map to endpoint record ids (kb/data/endpoints.yaml): they say who *serves* the model. Vendor
slugs map to organisation ids: they say who *made* it. The two are kept apart on purpose.
"""

from __future__ import annotations

from upstream.detect.identifiers import LITELLM_PROVIDERS

# Route prefix (lower case) -> endpoint record id (None: a route whose host the prefix does not say).
ROUTES: dict[str, str | None] = {
    **LITELLM_PROVIDERS,
    "openrouter": "openrouter",
    "together": "together",
    "fireworks": "fireworks",
    "groq": "groq",
}
# Prefixes that are also Hugging Face organisations: a route only when what follows is not a known HF id.
AMBIGUOUS_ROUTES = frozenset({
    "openai", "mistral", "nvidia", "deepseek", "huggingface", "ai21", "cohere", "xai", "databricks",
})

# Vendor slugs used by OpenRouter, NVIDIA NIM, Cloudflare and others -> organisation id.
VENDOR_SLUGS: dict[str, str] = {
    "meta": "meta", "meta-llama": "meta", "facebook": "meta", "qwen": "alibaba-qwen", "alibaba": "alibaba-qwen",
    "deepseek": "deepseek", "deepseek-ai": "deepseek", "anthropic": "anthropic", "openai": "openai",
    "google": "google", "mistralai": "mistral", "mistral": "mistral", "x-ai": "xai", "xai": "xai",
    "xai-org": "xai", "cohere": "cohere", "coherelabs": "cohere", "cohereforai": "cohere",
    "microsoft": "microsoft", "nvidia": "nvidia", "moonshotai": "moonshot", "z-ai": "zhipu", "zai-org": "zhipu",
    "thudm": "zhipu", "minimax": "minimax", "minimaxai": "minimax", "baidu": "baidu", "tencent": "tencent",
    "bytedance": "bytedance", "bytedance-seed": "bytedance", "ibm": "ibm", "ibm-granite": "ibm",
    "allenai": "ai2", "perplexity": "perplexity", "perplexity-ai": "perplexity", "ai21": "ai21",
    "ai21labs": "ai21", "stepfun-ai": "stepfun", "inclusionai": "antgroup", "tiiuae": "tii",
    "01-ai": "01ai", "stabilityai": "stability", "huggingfacetb": "huggingface",
}

# Bedrock model ids start with the vendor: `anthropic.claude-...`, `meta.llama3-1-...`.
BEDROCK_VENDORS: dict[str, str] = {
    "anthropic": "anthropic", "meta": "meta", "mistral": "mistral", "cohere": "cohere", "ai21": "ai21",
    "deepseek": "deepseek", "qwen": "alibaba-qwen", "openai": "openai", "amazon": "amazon",
    "stability": "stability", "writer": "writer", "moonshot": "moonshot", "minimax": "minimax",
}
