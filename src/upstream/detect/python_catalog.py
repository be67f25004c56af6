"""The Python APIs that take a model: which argument carries it, who serves it, where its endpoint goes.

Entries are keyed ``family:Name`` (or ``family:Class.method``), where the family is the top-level
module a name was imported from (all ``langchain_*`` packages are ``langchain``, ``llama_index`` is
``llamaindex``, ``google.genai`` keeps its second part). `lookup` finds the entry for a qualified name
such as ``langchain_community.chat_models.tongyi.ChatTongyi``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from upstream.evidence import Hub

Route = Literal["litellm", "langchain", "pydantic-ai"]


@dataclass(frozen=True, slots=True)
class Api:
    """How one callable takes a model."""

    provider: str | None
    hub: Hub | None = "api"
    model_kw: tuple[str, ...] = ("model",)
    model_pos: int | None = None
    base_kw: tuple[str, ...] = ()
    client: bool = False  # the call builds a client whose methods take `model=`
    method_kw: tuple[str, ...] = ("model",)  # model keywords of the client's methods
    pos_methods: frozenset[str] = frozenset()  # methods (or module functions) taking the model first
    route: Route | None = None  # the value carries its provider (`deepseek/deepseek-chat`, `openai:gpt-4o`)
    file_only: bool = False  # only report model files and paths (generic loaders)
    client_kw: tuple[str, ...] = ()  # keywords that may hold a client object (its base URL applies)
    env_base: tuple[str, ...] = ()  # environment variables the SDK reads its base URL from
    note_kw: str | None = None  # a keyword worth noting beside the model (`filename=`)


def _c(provider: str, *base: str, hub: Hub = "api", env: tuple[str, ...] = (), **kw: object) -> Api:
    return Api(provider, hub=hub, base_kw=base, client=True, env_base=env, **kw)  # type: ignore[arg-type]


_OLLAMA_POS = frozenset({"chat", "generate", "pull", "push", "show", "embed", "embeddings", "create", "delete"})
_HF: Hub = "huggingface"

ENTRIES: dict[str, Api] = {
    # --- provider SDK clients
    "openai:OpenAI": _c("openai", "base_url", env=("OPENAI_BASE_URL", "OPENAI_API_BASE")),
    "openai:AsyncOpenAI": _c("openai", "base_url", env=("OPENAI_BASE_URL", "OPENAI_API_BASE")),
    "openai:AzureOpenAI": _c("azure-openai", "azure_endpoint", "base_url", env=("AZURE_OPENAI_ENDPOINT",)),
    "openai:AsyncAzureOpenAI": _c("azure-openai", "azure_endpoint", "base_url", env=("AZURE_OPENAI_ENDPOINT",)),
    "anthropic:Anthropic": _c("anthropic", "base_url", env=("ANTHROPIC_BASE_URL",)),
    "anthropic:AsyncAnthropic": _c("anthropic", "base_url", env=("ANTHROPIC_BASE_URL",)),
    "anthropic:AnthropicBedrock": _c("bedrock", "base_url"),
    "anthropic:AsyncAnthropicBedrock": _c("bedrock", "base_url"),
    "anthropic:AnthropicVertex": _c("vertexai", "base_url"),
    "anthropic:AsyncAnthropicVertex": _c("vertexai", "base_url"),
    "google.genai:Client": _c("google-genai"),
    "google.generativeai:GenerativeModel": _c("google-genai", model_kw=("model_name", "model"), model_pos=0),
    "vertexai:GenerativeModel": _c("vertexai", model_kw=("model_name",), model_pos=0),
    "mistralai:Mistral": _c("mistral", "server_url"),
    "mistralai:MistralClient": _c("mistral", "endpoint"),
    "mistralai:MistralAsyncClient": _c("mistral", "endpoint"),
    "groq:Groq": _c("groq", "base_url"),
    "groq:AsyncGroq": _c("groq", "base_url"),
    "cohere:Client": _c("cohere", "base_url"),
    "cohere:ClientV2": _c("cohere", "base_url"),
    "cohere:AsyncClient": _c("cohere", "base_url"),
    "cohere:AsyncClientV2": _c("cohere", "base_url"),
    "zhipuai:ZhipuAI": _c("zhipuai", "base_url"),
    "zai:ZaiClient": _c("zai", "base_url"),
    "zai:ZhipuAiClient": _c("zhipuai", "base_url"),
    "together:Together": _c("together", "base_url"),
    "together:AsyncTogether": _c("together", "base_url"),
    "fireworks:Fireworks": _c("fireworks", "base_url"),
    "xai_sdk:Client": _c("xai", "api_host"),
    "volcenginesdkarkruntime:Ark": _c("volcengine", "base_url"),
    "ollama:Client": _c("ollama", "host", hub="ollama", env=("OLLAMA_HOST",), pos_methods=_OLLAMA_POS),
    "ollama:AsyncClient": _c("ollama", "host", hub="ollama", env=("OLLAMA_HOST",), pos_methods=_OLLAMA_POS),
    "huggingface_hub:InferenceClient": _c("hf-inference", "base_url", hub=_HF, model_pos=0),
    "huggingface_hub:AsyncInferenceClient": _c("hf-inference", "base_url", hub=_HF, model_pos=0),
    "pydantic_ai:OpenAIProvider": _c("openai", "base_url"),
    "pydantic_ai:DeepSeekProvider": _c("deepseek"),
    "pydantic_ai:OllamaProvider": _c("ollama", "base_url", hub="ollama"),
    "pydantic_ai:OpenRouterProvider": _c("openrouter"),
    # --- weights loaded in-process, hub downloads
    "transformers:pipeline": Api("transformers", hub=_HF, model_pos=1),
    "huggingface_hub:hf_hub_download": Api("huggingface-hub", hub=_HF, model_kw=("repo_id",), model_pos=0,
                                           note_kw="filename"),
    "huggingface_hub:snapshot_download": Api("huggingface-hub", hub=_HF, model_kw=("repo_id",), model_pos=0),
    "sentence_transformers:SentenceTransformer": Api("sentence-transformers", hub=_HF,
                                                     model_kw=("model_name_or_path",), model_pos=0),
    "sentence_transformers:CrossEncoder": Api("sentence-transformers", hub=_HF,
                                              model_kw=("model_name_or_path", "model_name"), model_pos=0),
    "sentence_transformers:SparseEncoder": Api("sentence-transformers", hub=_HF,
                                               model_kw=("model_name_or_path",), model_pos=0),
    "vllm:LLM": Api("vllm", hub=_HF, model_pos=0),
    "vllm:EngineArgs": Api("vllm", hub=_HF),
    "vllm:AsyncEngineArgs": Api("vllm", hub=_HF),
    "llama_cpp:Llama": Api("llama-cpp", hub="file", model_kw=("model_path",), model_pos=0),
    "llama_cpp:Llama.from_pretrained": Api("llama-cpp", hub=_HF, model_kw=("repo_id",), model_pos=0,
                                           note_kw="filename"),
    "mlx_lm:load": Api("mlx", hub=_HF, model_kw=("path_or_hf_repo",), model_pos=0),
    "ultralytics:YOLO": Api("ultralytics", hub="file", model_pos=0),
    "keras:load_model": Api("keras", hub="file", model_kw=("filepath",), model_pos=0, file_only=True),
    "tensorflow:load_model": Api("keras", hub="file", model_kw=("filepath",), model_pos=0, file_only=True),
    "onnxruntime:InferenceSession": Api("onnxruntime", hub="file", model_kw=("path_or_bytes",), model_pos=0,
                                        file_only=True),
    "gpt4all:GPT4All": Api("gpt4all", hub="file", model_kw=("model_name",), model_pos=0),
    # --- frameworks whose model string names its provider
    "langchain:init_chat_model": Api(None, model_pos=0, route="langchain"),
    "langchain:HuggingFacePipeline.from_model_id": Api("langchain/transformers", hub=_HF, model_kw=("model_id",)),
    "crewai:LLM": Api(None, model_pos=0, base_kw=("base_url", "api_base"), route="litellm"),
    "crewai:Agent": Api(None, model_kw=("llm",), route="litellm"),
    "dspy:LM": Api(None, model_pos=0, base_kw=("api_base", "base_url"), route="litellm"),
    "instructor:from_provider": Api(None, model_pos=0, route="litellm"),
    "pydantic_ai:Agent": Api(None, model_pos=0, route="pydantic-ai"),
    "pydantic_ai:OpenAIModel": Api("openai", model_kw=("model_name",), model_pos=0, client_kw=("provider",)),
    "pydantic_ai:OpenAIChatModel": Api("openai", model_kw=("model_name",), model_pos=0, client_kw=("provider",)),
    "pydantic_ai:OpenAIResponsesModel": Api("openai", model_kw=("model_name",), model_pos=0,
                                            client_kw=("provider",)),
    "pydantic_ai:AnthropicModel": Api("anthropic", model_kw=("model_name",), model_pos=0),
    "pydantic_ai:GeminiModel": Api("google-genai", model_kw=("model_name",), model_pos=0),
    "pydantic_ai:GoogleModel": Api("google-genai", model_kw=("model_name",), model_pos=0),
    "pydantic_ai:GroqModel": Api("groq", model_kw=("model_name",), model_pos=0),
    "pydantic_ai:MistralModel": Api("mistral", model_kw=("model_name",), model_pos=0),
    "agents:Agent": Api(None),  # `agents` is also a common name for a project's own package
    "agents:OpenAIChatCompletionsModel": Api("openai", client_kw=("openai_client",)),
    "agents:OpenAIResponsesModel": Api("openai", client_kw=("openai_client",)),
    "agents:LitellmModel": Api(None, base_kw=("base_url",), route="litellm"),
    "google.adk:Agent": Api("google-genai"),
    "google.adk:LlmAgent": Api("google-genai"),
    "google.adk:LiteLlm": Api(None, route="litellm"),
    "smolagents:LiteLLMModel": Api(None, model_kw=("model_id",), model_pos=0, base_kw=("api_base",),
                                   route="litellm"),
    "smolagents:InferenceClientModel": Api("hf-inference", hub=_HF, model_kw=("model_id",), model_pos=0),
    "smolagents:HfApiModel": Api("hf-inference", hub=_HF, model_kw=("model_id",), model_pos=0),
    "smolagents:TransformersModel": Api("transformers", hub=_HF, model_kw=("model_id",), model_pos=0),
    "smolagents:VLLMModel": Api("vllm", hub=_HF, model_kw=("model_id",), model_pos=0),
    "smolagents:MLXModel": Api("mlx", hub=_HF, model_kw=("model_id",), model_pos=0),
    "smolagents:OpenAIServerModel": Api("openai", model_kw=("model_id",), model_pos=0, base_kw=("api_base",)),
    "smolagents:AzureOpenAIServerModel": Api("azure-openai", model_kw=("model_id",), model_pos=0,
                                             base_kw=("azure_endpoint",)),
    "autogen:OpenAIChatCompletionClient": Api("openai", base_kw=("base_url",)),
    "autogen:AzureOpenAIChatCompletionClient": Api("azure-openai", model_kw=("model", "azure_deployment"),
                                                   base_kw=("azure_endpoint",)),
    "autogen:AnthropicChatCompletionClient": Api("anthropic", base_kw=("base_url",)),
    "autogen:OllamaChatCompletionClient": Api("ollama", hub="ollama", base_kw=("host",)),
}

# Module functions that take `model=` (`litellm.completion`, `ollama.chat`, `dashscope.Generation.call`).
MODULES: dict[str, Api] = {
    "openai": Api("openai", env_base=("OPENAI_BASE_URL", "OPENAI_API_BASE"), model_kw=("model", "engine")),
    "anthropic": Api("anthropic"),
    "google.generativeai": Api("google-genai"),
    "google.genai": Api("google-genai"),
    "vertexai": Api("vertexai"),
    "mistralai": Api("mistral"),
    "groq": Api("groq"),
    "cohere": Api("cohere"),
    "dashscope": Api("dashscope"),
    "zhipuai": Api("zhipuai"),
    "zai": Api("zai"),
    "together": Api("together"),
    "replicate": Api("replicate", model_pos=0, pos_methods=frozenset({"run", "stream", "async_run"})),
    "ollama": Api("ollama", hub="ollama", model_pos=0, pos_methods=_OLLAMA_POS, env_base=("OLLAMA_HOST",)),
    "litellm": Api(None, base_kw=("api_base", "base_url"), route="litellm"),
}

# Module attributes a program sets to move an SDK's module-level calls to another endpoint.
MODULE_BASE_ATTRS = ("api_base", "base_url", "base_http_api_url", "host")


def _lc(provider: str | None, *model_kw: str, base: tuple[str, ...] = (), hub: Hub = "api") -> Api:
    return Api(provider and f"langchain/{provider}", hub=hub, model_kw=model_kw or ("model", "model_name"),
               base_kw=base)


_OAI_BASE = ("base_url", "openai_api_base")
_AZ = ("model", "model_name", "azure_deployment", "deployment_name")
_AZ_BASE = ("azure_endpoint", "openai_api_base", "base_url")
_OLL = ("base_url",)

LANGCHAIN: dict[str, Api] = {
    "ChatOpenAI": _lc("openai", base=_OAI_BASE), "OpenAI": _lc("openai", base=_OAI_BASE),
    "OpenAIEmbeddings": _lc("openai", "model", base=_OAI_BASE),
    "AzureChatOpenAI": _lc("azure-openai", *_AZ, base=_AZ_BASE),
    "AzureOpenAI": _lc("azure-openai", *_AZ, base=_AZ_BASE),
    "AzureOpenAIEmbeddings": _lc("azure-openai", "model", "azure_deployment", "deployment", base=_AZ_BASE),
    "ChatAnthropic": _lc("anthropic", base=("base_url", "anthropic_api_url")),
    "AnthropicLLM": _lc("anthropic", base=("base_url", "anthropic_api_url")),
    "ChatOllama": _lc("ollama", "model", base=_OLL, hub="ollama"),
    "OllamaLLM": _lc("ollama", "model", base=_OLL, hub="ollama"),
    "Ollama": _lc("ollama", "model", base=_OLL, hub="ollama"),
    "OllamaEmbeddings": _lc("ollama", "model", base=_OLL, hub="ollama"),
    "ChatDeepSeek": _lc("deepseek", base=("api_base", "base_url")),
    "ChatTongyi": _lc("dashscope"), "Tongyi": _lc("dashscope"), "DashScopeEmbeddings": _lc("dashscope", "model"),
    "ChatZhipuAI": _lc("zhipuai", base=("zhipuai_api_base", "base_url")),
    "ChatMistralAI": _lc("mistral", base=("endpoint", "base_url")),
    "MistralAIEmbeddings": _lc("mistral", "model", base=("endpoint",)),
    "ChatGroq": _lc("groq", base=("base_url", "groq_api_base")),
    "ChatGoogleGenerativeAI": _lc("google-genai"), "GoogleGenerativeAI": _lc("google-genai"),
    "GoogleGenerativeAIEmbeddings": _lc("google-genai", "model"),
    "ChatVertexAI": _lc("vertexai"), "VertexAI": _lc("vertexai"), "VertexAIEmbeddings": _lc("vertexai"),
    "ChatBedrock": _lc("bedrock", "model_id", "model", base=("endpoint_url",)),
    "ChatBedrockConverse": _lc("bedrock", "model", "model_id", base=("endpoint_url", "base_url")),
    "BedrockLLM": _lc("bedrock", "model_id"), "Bedrock": _lc("bedrock", "model_id"),
    "BedrockEmbeddings": _lc("bedrock", "model_id"),
    "ChatHuggingFace": _lc("hf-inference", "model_id", hub=_HF),
    "HuggingFaceEndpoint": _lc("hf-inference", "repo_id", "model", base=("endpoint_url",), hub=_HF),
    "HuggingFaceHub": _lc("hf-inference", "repo_id", hub=_HF),
    "HuggingFaceEndpointEmbeddings": _lc("hf-inference", "model", "repo_id", hub=_HF),
    "HuggingFaceInferenceAPIEmbeddings": _lc("hf-inference", "model_name", base=("api_url",), hub=_HF),
    "HuggingFaceEmbeddings": _lc("sentence-transformers", "model_name", "model", hub=_HF),
    "HuggingFaceBgeEmbeddings": _lc("sentence-transformers", "model_name", hub=_HF),
    "HuggingFaceInstructEmbeddings": _lc("sentence-transformers", "model_name", hub=_HF),
    "SentenceTransformerEmbeddings": _lc("sentence-transformers", "model_name", hub=_HF),
    "ChatCohere": _lc("cohere"), "Cohere": _lc("cohere"), "CohereEmbeddings": _lc("cohere", "model"),
    "CohereRerank": _lc("cohere", "model"),
    "ChatTogether": _lc("together", base=("base_url",)), "Together": _lc("together"),
    "TogetherEmbeddings": _lc("together", "model"),
    "ChatFireworks": _lc("fireworks", base=("base_url",)), "Fireworks": _lc("fireworks"),
    "FireworksEmbeddings": _lc("fireworks", "model"),
    "ChatXAI": _lc("xai", base=("xai_api_base",)),
    "MoonshotChat": _lc("moonshot", base=("base_url",)), "Moonshot": _lc("moonshot", base=("base_url",)),
    "ChatLlamaCpp": _lc("llama-cpp", "model_path", hub="file"), "LlamaCpp": _lc("llama-cpp", "model_path", hub="file"),
    "VLLM": _lc("vllm", "model", hub=_HF), "VLLMOpenAI": _lc("openai", base=_OAI_BASE),
    "ChatNVIDIA": _lc(None, "model", base=("base_url",)), "ChatPerplexity": _lc(None),
    "ChatBaichuan": _lc(None), "QianfanChatEndpoint": _lc(None), "ChatSparkLLM": _lc(None),
    "ChatHunyuan": _lc(None), "ChatYi": _lc(None), "ChatWatsonx": _lc(None, "model_id"),
    "ChatDatabricks": _lc(None, "endpoint", "model"), "ChatOCIGenAI": _lc(None, "model_id"),
}
LANGCHAIN["ChatLiteLLM"] = Api(None, model_kw=("model", "model_name"), base_kw=("api_base",), route="litellm")


def _li(provider: str | None, *model_kw: str, base: tuple[str, ...] = (), hub: Hub = "api") -> Api:
    return Api(provider and f"llamaindex/{provider}", hub=hub, model_kw=model_kw or ("model",), base_kw=base)


LLAMAINDEX: dict[str, Api] = {
    "OpenAI": _li("openai", base=("api_base",)), "OpenAIEmbedding": _li("openai", "model", "model_name",
                                                                         base=("api_base",)),
    "OpenAILike": _li("openai", base=("api_base",)), "OpenAILikeEmbedding": _li("openai", "model_name",
                                                                                base=("api_base",)),
    "AzureOpenAI": _li("azure-openai", "model", "engine", "deployment_name", base=("azure_endpoint", "api_base")),
    "AzureOpenAIEmbedding": _li("azure-openai", "model", "deployment_name", base=("azure_endpoint",)),
    "Anthropic": _li("anthropic", base=("base_url",)),
    "Ollama": _li("ollama", base=("base_url",), hub="ollama"),
    "OllamaEmbedding": _li("ollama", "model_name", base=("base_url",), hub="ollama"),
    "HuggingFaceLLM": _li("transformers", "model_name", "tokenizer_name", hub=_HF),
    "HuggingFaceEmbedding": _li("sentence-transformers", "model_name", hub=_HF),
    "HuggingFaceInferenceAPI": _li("hf-inference", "model_name", "model", hub=_HF),
    "HuggingFaceInferenceAPIEmbedding": _li("hf-inference", "model_name", hub=_HF),
    "DashScope": _li("dashscope", "model_name"), "DashScopeEmbedding": _li("dashscope", "model_name"),
    "Gemini": _li("google-genai", "model", "model_name"), "GeminiEmbedding": _li("google-genai", "model_name"),
    "GoogleGenAI": _li("google-genai"), "GoogleGenAIEmbedding": _li("google-genai", "model_name"),
    "Vertex": _li("vertexai"), "DeepSeek": _li("deepseek", base=("api_base",)),
    "Groq": _li("groq"), "MistralAI": _li("mistral"), "MistralAIEmbedding": _li("mistral", "model_name"),
    "Vllm": _li("vllm", hub=_HF), "LlamaCPP": _li("llama-cpp", "model_path", "model_url", hub="file"),
    "Bedrock": _li("bedrock"), "BedrockConverse": _li("bedrock"), "BedrockEmbedding": _li("bedrock", "model_name"),
    "Cohere": _li("cohere"), "CohereEmbedding": _li("cohere", "model_name"), "TogetherLLM": _li("together"),
    "Fireworks": _li("fireworks"), "OpenRouter": _li("openrouter"), "ZhipuAI": _li("zhipuai"),
    "SentenceTransformerRerank": _li("sentence-transformers", "model", hub=_HF),
    "FlagEmbeddingReranker": _li(None, "model", hub=_HF),
}
LLAMAINDEX["LiteLLM"] = Api(None, route="litellm")

# `X.from_pretrained(...)`: who loads the weights, by the family X came from.
FROM_PRETRAINED: dict[str, tuple[str, Hub]] = {
    "transformers": ("transformers", _HF), "diffusers": ("diffusers", _HF), "peft": ("transformers", _HF),
    "sentence_transformers": ("sentence-transformers", _HF), "optimum": ("transformers", _HF),
    "unsloth": ("transformers", _HF), "vertexai": ("vertexai", "api"), "ctransformers": ("transformers", _HF),
    "mlx_lm": ("mlx", _HF),
}
FROM_PRETRAINED_KW = ("pretrained_model_name_or_path", "model_name", "model_id", "repo_id", "model_name_or_path",
                      "model")

# Names that identify their API even when the import is not visible (a re-export, a previous cell).
UNIMPORTED: dict[str, str] = {
    **{name: "langchain" for name in LANGCHAIN if name.startswith("Chat") or name.endswith("Embeddings")},
    "HuggingFaceEndpoint": "langchain", "init_chat_model": "langchain",
    "SentenceTransformer": "sentence_transformers", "CrossEncoder": "sentence_transformers",
    "OpenAI": "openai", "AsyncOpenAI": "openai", "AzureOpenAI": "openai", "AsyncAzureOpenAI": "openai",
    "Anthropic": "anthropic", "AsyncAnthropic": "anthropic", "ZhipuAI": "zhipuai",
    "InferenceClient": "huggingface_hub", "hf_hub_download": "huggingface_hub",
    "snapshot_download": "huggingface_hub",
}

# Client method chains so distinctive that the receiver must be an LLM client, even one we cannot trace.
API_SHAPES = (
    ("chat", "completions", "create"), ("chat", "completions", "parse"), ("chat", "completions", "stream"),
    ("completions", "create"), ("embeddings", "create"), ("responses", "create"), ("responses", "parse"),
    ("messages", "create"), ("messages", "stream"), ("models", "generate_content"),
    ("models", "generate_content_stream"), ("models", "embed_content"), ("chat", "complete"),
    ("chat", "complete_async"), ("chat", "stream"), ("ChatCompletion", "create"), ("ChatCompletion", "acreate"),
)


def family_of(parts: list[str]) -> str:
    """The catalog family of a dotted module path."""
    root = parts[0]
    if root.startswith("langchain"):
        return "langchain"
    if root == "llama_index":
        return "llamaindex"
    if root in ("google", "autogen_ext", "autogen_agentchat") and len(parts) > 1:
        return "autogen" if root != "google" else f"google.{parts[1]}"
    if root in ("autogen", "pyautogen"):
        return "autogen"
    if root == "tf_keras":
        return "keras"
    return root


def _in_family(family: str, parts: list[str]) -> Api | None:
    name1 = parts[-1]
    if len(parts) >= 2:
        hit = ENTRIES.get(f"{family}:{parts[-2]}.{name1}")
        if hit:
            return hit
    hit = ENTRIES.get(f"{family}:{name1}")
    if hit:
        return hit
    if family == "langchain":
        return LANGCHAIN.get(name1)
    if family == "llamaindex":
        return LLAMAINDEX.get(name1)
    return None


def lookup(qualified: str) -> Api | None:
    """The catalog entry for a fully qualified callable (`openai.OpenAI`, `?.ChatOpenAI` when unimported)."""
    parts = qualified.split(".")
    if parts[0] == "?":
        fam = UNIMPORTED.get(parts[-1]) if len(parts) == 2 else None
        return _in_family(fam, parts[1:]) if fam else None
    if parts[0] == "<local>" or len(parts) < 2:
        return None
    hit = _in_family(family_of(parts), parts)
    if hit is None:  # a wrapper package re-exporting an SDK: `langfuse.openai.OpenAI`
        for i in range(1, len(parts) - 1):
            hit = _in_family(family_of(parts[i:]), parts[i:])
            if hit and hit.client:
                return hit
        return None
    return hit


def module_api(qualified: str) -> tuple[str, Api] | None:
    """The module rule for a function of an SDK module (`litellm.completion`), with the module family."""
    parts = qualified.split(".")
    if len(parts) < 2 or parts[0] in ("?", "<local>"):
        return None
    fam = family_of(parts)
    api = MODULES.get(fam)
    if api and api.pos_methods and parts[-1] not in api.pos_methods:
        api = replace(api, model_pos=None)
    return (fam, api) if api else None
