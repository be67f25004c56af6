"""What the JavaScript AI packages export: which names are clients, provider functions or model classes.

Each known package maps export names to an `Sdk` entry saying how that export takes a model id and
which provider string (see `upstream.inventory.PROVIDER_ENDPOINTS`) selects the endpoint when no
base URL is written. Module specifiers are normalised first (`npm:openai@4`, `https://esm.sh/openai`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from upstream.evidence import Hub

Kind = Literal[
    "client",  # class: `new X({ baseURL })`; calls rooted at the instance carry `model:`
    "instance",  # a ready client instance (`import ollama from "ollama"`)
    "provider",  # AI SDK provider function: `openai("gpt-4o")`, `openai.chat("gpt-4o")`
    "factory",  # returns a provider function tied to its baseURL: `createOpenAI({ baseURL })`
    "client-factory",  # returns a client: `getLlama()`
    "llm-class",  # `new ChatOpenAI({ model })`: the model is an argument of the constructor
    "command",  # Bedrock `new ConverseCommand({ modelId })`
    "pipeline",  # transformers.js `pipeline(task, model)`
    "hf-class",  # transformers.js `AutoModel.from_pretrained(model)`, onnxruntime `InferenceSession.create(path)`
    "model-fn",  # a function taking `{ model }` or a model string: `generateText`, `initChatModel`
    "registry-factory",  # `createProviderRegistry({...})`: `registry.languageModel("openai:gpt-4o")`
]
Route = Literal["plain", "langchain", "gateway", "registry"]


@dataclass(frozen=True, slots=True)
class Sdk:
    """How one export of a package takes a model id, and who serves it by default."""

    kind: Kind
    provider: str | None
    hub: Hub | None = "api"
    route: Route = "plain"  # how a model string given to it names its provider ("openai:gpt-4o")
    positional: bool = False  # the model may be the first positional argument
    methods: tuple[str, ...] = ("from_pretrained",)  # hf-class: the static methods that load a model


# package -> export name -> Sdk ("default" is the default export, "*" any other named export)
PACKAGES: dict[str, dict[str, Sdk]] = {
    "openai": {"default": Sdk("client", "openai"), "OpenAI": Sdk("client", "openai"),
               "AzureOpenAI": Sdk("client", "azure-openai"), "OpenAIApi": Sdk("client", "openai")},
    "openai-edge": {"OpenAIApi": Sdk("client", "openai")},
    "@openai/agents": {"Agent": Sdk("llm-class", "openai")},
    "@anthropic-ai/sdk": {"default": Sdk("client", "anthropic"), "Anthropic": Sdk("client", "anthropic")},
    "@anthropic-ai/bedrock-sdk": {"default": Sdk("client", "bedrock"), "AnthropicBedrock": Sdk("client", "bedrock")},
    "@anthropic-ai/vertex-sdk": {"default": Sdk("client", "vertexai"), "AnthropicVertex": Sdk("client", "vertexai")},
    "ollama": {"default": Sdk("instance", "ollama", "ollama"), "Ollama": Sdk("client", "ollama", "ollama")},
    "@google/genai": {"GoogleGenAI": Sdk("client", "google-genai")},
    "@google/generative-ai": {"GoogleGenerativeAI": Sdk("client", "google-genai")},
    "@google-cloud/vertexai": {"VertexAI": Sdk("client", "vertexai")},
    "@mistralai/mistralai": {"default": Sdk("client", "mistral"), "Mistral": Sdk("client", "mistral")},
    "groq-sdk": {"default": Sdk("client", "groq"), "Groq": Sdk("client", "groq")},
    "cohere-ai": {"CohereClient": Sdk("client", "cohere"), "CohereClientV2": Sdk("client", "cohere")},
    "together-ai": {"default": Sdk("client", "together"), "Together": Sdk("client", "together")},
    "@huggingface/inference": {
        "HfInference": Sdk("client", "hf-inference", "huggingface"),
        "InferenceClient": Sdk("client", "hf-inference", "huggingface"),
        "HfInferenceEndpoint": Sdk("client", "hf-inference", "huggingface"),
        "*": Sdk("model-fn", "hf-inference", "huggingface"),
    },
    "replicate": {"default": Sdk("client", None, "api", positional=True),
                  "Replicate": Sdk("client", None, "api", positional=True)},
    "@azure/openai": {"OpenAIClient": Sdk("client", "azure-openai", positional=True)},
    "node-llama-cpp": {"getLlama": Sdk("client-factory", "llama-cpp", "file")},
    "@xenova/transformers": {"pipeline": Sdk("pipeline", "transformers.js", "huggingface"),
                             "*": Sdk("hf-class", "transformers.js", "huggingface")},
    "@huggingface/transformers": {"pipeline": Sdk("pipeline", "transformers.js", "huggingface"),
                                  "*": Sdk("hf-class", "transformers.js", "huggingface")},
    "@aws-sdk/client-bedrock-runtime": {
        name: Sdk("command", "bedrock") for name in (
            "InvokeModelCommand", "InvokeModelWithResponseStreamCommand", "ConverseCommand",
            "ConverseStreamCommand", "InvokeModelWithBidirectionalStreamCommand", "CountTokensCommand",
        )
    },
    "ai": {
        **{name: Sdk("model-fn", None, "api", "gateway") for name in (
            "generateText", "streamText", "generateObject", "streamObject", "embed", "embedMany",
            "generateImage", "experimental_generateImage", "transcribe", "experimental_transcribe",
            "generateSpeech", "experimental_generateSpeech", "streamUI",
        )},
        "gateway": Sdk("provider", None, "api", "gateway"),
        "Agent": Sdk("llm-class", None, "api", "gateway"),
        "Experimental_Agent": Sdk("llm-class", None, "api", "gateway"),
        "ToolLoopAgent": Sdk("llm-class", None, "api", "gateway"),
        "createProviderRegistry": Sdk("registry-factory", None, "api", "registry"),
        "experimental_createProviderRegistry": Sdk("registry-factory", None, "api", "registry"),
    },
    "@ai-sdk/gateway": {"gateway": Sdk("provider", None, "api", "gateway"),
                        "createGateway": Sdk("factory", None, "api", "gateway")},
    "@ai-sdk/openai-compatible": {"createOpenAICompatible": Sdk("factory", None)},
    "@mlc-ai/web-llm": {name: Sdk("model-fn", None, None, positional=True) for name in (
        "CreateMLCEngine", "CreateWebWorkerMLCEngine", "CreateServiceWorkerMLCEngine",
    )},
}
for _ort in ("onnxruntime-web", "onnxruntime-node", "onnxruntime-react-native", "onnxruntime-common"):
    PACKAGES[_ort] = {"InferenceSession": Sdk("hf-class", None, "file", methods=("create",))}

# Vercel AI SDK provider packages: package -> (instance name, factory name, provider string, hub)
_AI_SDK_PROVIDERS: tuple[tuple[str, str, str, str | None, Hub], ...] = (
    ("@ai-sdk/openai", "openai", "createOpenAI", "openai", "api"),
    ("@ai-sdk/azure", "azure", "createAzure", "azure-openai", "api"),
    ("@ai-sdk/anthropic", "anthropic", "createAnthropic", "anthropic", "api"),
    ("@ai-sdk/google", "google", "createGoogleGenerativeAI", "google-genai", "api"),
    ("@ai-sdk/google-vertex", "vertex", "createVertex", "vertexai", "api"),
    ("@ai-sdk/mistral", "mistral", "createMistral", "mistral", "api"),
    ("@ai-sdk/groq", "groq", "createGroq", "groq", "api"),
    ("@ai-sdk/deepseek", "deepseek", "createDeepSeek", "deepseek", "api"),
    ("@ai-sdk/xai", "xai", "createXai", "xai", "api"),
    ("@ai-sdk/togetherai", "togetherai", "createTogetherAI", "together", "api"),
    ("@ai-sdk/fireworks", "fireworks", "createFireworks", "fireworks", "api"),
    ("@ai-sdk/cohere", "cohere", "createCohere", "cohere", "api"),
    ("@ai-sdk/amazon-bedrock", "bedrock", "createAmazonBedrock", "bedrock", "api"),
    ("@ai-sdk/huggingface", "huggingface", "createHuggingFace", "hf-inference", "api"),
    ("@ai-sdk/perplexity", "perplexity", "createPerplexity", None, "api"),
    ("@ai-sdk/cerebras", "cerebras", "createCerebras", None, "api"),
    ("@ai-sdk/deepinfra", "deepinfra", "createDeepInfra", None, "api"),
    ("@openrouter/ai-sdk-provider", "openrouter", "createOpenRouter", "openrouter", "api"),
    ("ollama-ai-provider", "ollama", "createOllama", "ollama", "ollama"),
    ("ollama-ai-provider-v2", "ollama", "createOllama", "ollama", "ollama"),
    ("qwen-ai-provider", "qwen", "createQwen", "dashscope", "api"),
    ("zhipu-ai-provider", "zhipu", "createZhipu", "zhipuai", "api"),
)
for _pkgname, _inst, _fac, _prov, _hub in _AI_SDK_PROVIDERS:
    PACKAGES[_pkgname] = {_inst: Sdk("provider", _prov, _hub), _fac: Sdk("factory", _prov, _hub)}
# AI SDK provider names as used in registries and gateway ids ("anthropic:claude-...").
AI_SDK_PREFIXES: dict[str, str | None] = {inst: prov for _, inst, _, prov, _ in _AI_SDK_PROVIDERS}

# LangChain.js classes -> provider after "langchain/" (None: no endpoint record for it).
_LC: dict[str, tuple[str, ...]] = {
    "openai": ("ChatOpenAI", "OpenAI", "OpenAIEmbeddings", "ChatOpenAIResponses", "DallEAPIWrapper"),
    "azure-openai": ("AzureChatOpenAI", "AzureOpenAI", "AzureOpenAIEmbeddings"),
    "anthropic": ("ChatAnthropic", "ChatAnthropicMessages", "Anthropic"),
    "ollama": ("ChatOllama", "Ollama", "OllamaEmbeddings", "OllamaFunctions"),
    "google-genai": ("ChatGoogleGenerativeAI", "GoogleGenerativeAIEmbeddings"),
    "vertexai": ("ChatVertexAI", "VertexAI", "VertexAIEmbeddings", "GoogleVertexAIEmbeddings"),
    "mistral": ("ChatMistralAI", "MistralAI", "MistralAIEmbeddings"),
    "groq": ("ChatGroq",),
    "deepseek": ("ChatDeepSeek",),
    "xai": ("ChatXAI",),
    "together": ("ChatTogetherAI", "TogetherAI", "TogetherAIEmbeddings"),
    "fireworks": ("ChatFireworks", "Fireworks", "FireworksEmbeddings"),
    "cohere": ("ChatCohere", "Cohere", "CohereEmbeddings", "CohereRerank"),
    "dashscope": ("ChatAlibabaTongyi", "AlibabaTongyiEmbeddings"),
    "zhipuai": ("ChatZhipuAI", "ZhipuAIEmbeddings"),
    "moonshot": ("ChatMoonshot",),
    "bedrock": ("ChatBedrockConverse", "BedrockChat", "Bedrock", "BedrockEmbeddings"),
    "hf-inference": ("HuggingFaceInference", "HuggingFaceInferenceEmbeddings"),
    "transformers.js": ("HuggingFaceTransformersEmbeddings",),
    "llama-cpp": ("ChatLlamaCpp", "LlamaCpp", "LlamaCppEmbeddings"),
    "": ("ChatBaiduQianfan", "ChatBaiduWenxin", "ChatTencentHunyuan", "ChatMinimax", "ChatYandexGPT",
                "ChatWebLLM", "ChatFriendli", "ChatPerplexity", "ChatCerebras", "ChatNovitaAI",
                "ChatIBMWatsonx", "ChatCloudflareWorkersAI", "ChatPremAI"),
}
_LC_HUB: dict[str, Hub] = {"ollama": "ollama", "hf-inference": "huggingface", "transformers.js": "huggingface",
                           "llama-cpp": "file"}
LANGCHAIN_CLASSES: dict[str, Sdk] = {}
for _prov_name, _classes in _LC.items():
    for _cls in _classes:
        LANGCHAIN_CLASSES.setdefault(_cls, Sdk(
            "llm-class", f"langchain/{_prov_name}" if _prov_name else None, _LC_HUB.get(_prov_name, "api"),
            positional=True,
        ))
LANGCHAIN_FUNCTIONS: dict[str, Sdk] = {
    "initChatModel": Sdk("model-fn", None, "api", "langchain", positional=True),
    "createAgent": Sdk("model-fn", None, "api", "langchain"),
}
# initChatModel / createAgent "provider:model" prefixes -> provider string.
LANGCHAIN_PREFIXES: dict[str, str | None] = {
    "openai": "langchain/openai", "azure_openai": "langchain/azure-openai", "anthropic": "langchain/anthropic",
    "google-genai": "langchain/google-genai", "google-vertexai": "langchain/vertexai",
    "google-vertexai-web": "langchain/vertexai", "bedrock": "langchain/bedrock", "cohere": "langchain/cohere",
    "fireworks": "langchain/fireworks", "together": "langchain/together", "mistralai": "langchain/mistral",
    "groq": "langchain/groq", "ollama": "langchain/ollama", "deepseek": "langchain/deepseek",
    "xai": "langchain/xai", "cerebras": None, "perplexity": None,
}
# What initChatModel infers from a bare model name.
LANGCHAIN_INFER: tuple[tuple[str, str], ...] = (
    ("gpt-", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"), ("chatgpt", "openai"),
    ("text-embedding", "openai"), ("claude", "anthropic"), ("command", "cohere"), ("accounts/fireworks", "fireworks"),
    ("gemini", "google-vertexai"), ("amazon.", "bedrock"), ("mistral", "mistralai"), ("deepseek", "deepseek"),
    ("grok", "xai"),
)

# LlamaIndex.TS classes -> provider after "llamaindex/".
_LI: dict[str, tuple[str, ...]] = {
    "openai": ("OpenAI", "OpenAIEmbedding"),
    "azure-openai": ("AzureOpenAI",),
    "anthropic": ("Anthropic",),
    "ollama": ("Ollama", "OllamaEmbedding"),
    "google-genai": ("Gemini", "GeminiEmbedding"),
    "mistral": ("MistralAI", "MistralAIEmbedding"),
    "groq": ("Groq",),
    "deepseek": ("DeepSeekLLM",),
    "together": ("TogetherLLM", "TogetherEmbedding"),
    "fireworks": ("FireworksLLM", "FireworksEmbedding"),
    "transformers.js": ("HuggingFaceEmbedding",),
    "hf-inference": ("HuggingFaceInferenceAPI",),
    "bedrock": ("Bedrock",),
}
LLAMAINDEX_CLASSES: dict[str, Sdk] = {
    cls: Sdk("llm-class", f"llamaindex/{prov}", _LC_HUB.get(prov, "api"))
    for prov, classes in _LI.items() for cls in classes
}

_URL_PREFIXES = re.compile(
    r"^(?:https?:)?//(?:esm\.sh/|cdn\.jsdelivr\.net/npm/|esm\.run/|cdn\.skypack\.dev/|unpkg\.com/|jspm\.dev/|"
    r"ga\.jspm\.io/npm:|deno\.land/x/)(?:v\d+/)?"
)
_ALIASES = {"@openai/openai": "openai", "@anthropic-ai/anthropic": "@anthropic-ai/sdk"}


def normalize_module(spec: str) -> str:
    """The package a module specifier names: `npm:openai@4/resources` -> `openai`."""
    s = spec.strip()
    for prefix in ("npm:", "jsr:", "node:"):
        if s.startswith(prefix):
            s = s[len(prefix):].lstrip("/")
    if "//" in s:
        m = _URL_PREFIXES.match(s)
        if not m:
            return s
        s = s[m.end():]
    parts = s.split("?", 1)[0].split("/")
    if s.startswith("@") and len(parts) > 1:
        name = f"{parts[0]}/{parts[1].split('@', 1)[0]}"
    else:
        name = parts[0].split("@", 1)[0]
    return _ALIASES.get(name, name)


def is_langchain(package: str) -> bool:
    return package == "langchain" or package.startswith("@langchain/")


def is_llamaindex(package: str) -> bool:
    return package == "llamaindex" or package.startswith("@llamaindex/")


def lookup(package: str, name: str) -> Sdk | None:
    """The Sdk entry for export `name` of `package` ("default" for the default export)."""
    if is_langchain(package):
        return LANGCHAIN_CLASSES.get(name) or LANGCHAIN_FUNCTIONS.get(name)
    if is_llamaindex(package):
        return LLAMAINDEX_CLASSES.get(name)
    table = PACKAGES.get(package)
    if table is None or name == "*":
        return None
    found = table.get(name)
    if found is None and name not in ("default", "*"):
        found = table.get("*")
    return found


def is_ai_package(package: str) -> bool:
    """Whether importing this package makes the module an AI module (for weakly keyed evidence)."""
    return package in PACKAGES or is_langchain(package) or is_llamaindex(package) or package.startswith(
        ("@ai-sdk/", "@mlc-ai/")) or (
        package in ("@mastra/core", "llamaindex", "@llamaindex/core", "@pinecone-database/pinecone", "@mlc-ai/web-llm",
                    "@fal-ai/client", "@fal-ai/serverless-client", "@modelcontextprotocol/sdk", "openai-edge",
                    "@azure-rest/ai-inference", "@aws-sdk/client-bedrock-runtime", "@vercel/ai", "ai")
    )
