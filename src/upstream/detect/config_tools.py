"""The command-line tools, Python modules and container images that take a model, and how.

Data for `config_commands`: which flag or positional argument names the model, which provider
serves it, and where the id lives (Hugging Face repo, Ollama tag, local file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from upstream.evidence import Hub


@dataclass(frozen=True, slots=True)
class Tool:
    """How one program takes its model."""

    provider: str | None
    flags: frozenset[str] = frozenset()  # options whose value is the model
    positional: int = 0  # 1-based position of a positional model argument (0: none)
    subcommands: frozenset[str] | None = None  # the positional applies after one of these
    nested: frozenset[str] = frozenset()  # second-level subcommands to step over (`serve api_server`)
    value_opts: frozenset[str] = frozenset()  # options that take a value (skipped before the positional)
    first_only: bool = False  # the positional must come first, before any option
    hub: Hub | None = None
    flag_hubs: Mapping[str, Hub] = field(default_factory=dict)
    quant_suffix: bool = False  # `org/repo:Q4_K_M` names a quantization inside the repo
    routes: bool = False  # values are LiteLLM routes (`deepseek/deepseek-chat`)
    generic_flags: bool = True  # also look at `--model_name_or_path`-style options
    kv_flags: frozenset[str] = frozenset()  # `model=...` words (ultralytics)
    image_runs_command: bool = False  # images whose arguments are a whole command


def _fs(*words: str) -> frozenset[str]:
    return frozenset(words)


# Servers are local endpoints (`vllm-server`, `llama-cpp-server`), not weights loaded in-process.
_VLLM = Tool("vllm-server", flags=_fs("--model"), positional=1, subcommands=_fs("serve"), first_only=True)
_VLLM_SERVER = Tool("vllm-server", flags=_fs("--model"), positional=1, first_only=True)
_TGI = Tool("tgi", flags=_fs("--model-id"))
_TEI = Tool("tei", flags=_fs("--model-id"))
_OLLAMA = Tool("ollama", positional=1, subcommands=_fs("pull", "run", "show"), hub="ollama",
               value_opts=_fs("--format", "--keepalive", "--think"), generic_flags=False)
_HF = Tool("huggingface-hub", positional=1, subcommands=_fs("download"), hub="huggingface", generic_flags=False,
           value_opts=_fs("--repo-type", "--revision", "--include", "--exclude", "--local-dir", "--cache-dir",
                          "--token", "--max-workers", "--local-dir-use-symlinks", "--etag-timeout"))
_TUNE = Tool("huggingface-hub", positional=1, subcommands=_fs("download"), hub="huggingface", generic_flags=False,
             value_opts=_fs("--output-dir", "--hf-token", "--ignore-patterns", "--source"))
_MODELSCOPE = Tool(None, flags=_fs("--model"), positional=1, subcommands=_fs("download"),
                   value_opts=_fs("--local_dir", "--local-dir", "--cache_dir", "--revision", "--include"))
_LLAMA_CPP = Tool(
    "llama-cpp",
    flags=_fs("-m", "--model", "-hf", "-hfr", "--hf-repo", "-md", "--model-draft", "-hfd", "-hfrd",
              "--hf-repo-draft", "-mu", "--model-url"),
    flag_hubs={"-hf": "huggingface", "-hfr": "huggingface", "--hf-repo": "huggingface", "-hfd": "huggingface",
               "-hfrd": "huggingface", "--hf-repo-draft": "huggingface"},
    quant_suffix=True, generic_flags=False,
)
_LLAMA_SERVER = replace(_LLAMA_CPP, provider="llama-cpp-server")
_MLX = Tool("mlx", flags=_fs("--model", "--hf-path"))
_LMDEPLOY = Tool("lmdeploy", positional=1, subcommands=_fs("serve", "chat", "lite"),
                 nested=_fs("api_server", "gradio", "triton", "auto_awq", "auto_gptq", "calibrate", "smooth_quant"),
                 value_opts=_fs("--server-port", "--server-name", "--tp", "--backend", "--model-name",
                                "--session-len", "--cache-max-entry-count"))
_OPENAI_CLI = Tool("openai", flags=_fs("-m", "--model"), subcommands=_fs("api"), generic_flags=False)
_LLM_CLI = Tool(None, flags=_fs("-m", "--model"))
_ROUTED = Tool(None, flags=_fs("--model", "--weak-model", "--editor-model"), routes=True)
_LMS = Tool("lmstudio", positional=1, subcommands=_fs("get", "load"), generic_flags=False,
            value_opts=_fs("--gpu", "--context-length", "--identifier", "--ttl"))
_YOLO = Tool(None, kv_flags=_fs("model"), generic_flags=False)
_SGLANG = Tool("sglang", flags=_fs("--model-path", "--model"))
_FASTCHAT = Tool(None, flags=_fs("--model-path"))
_LLAMA_CPP_PY = Tool("llama-cpp-server", flags=_fs("--model"), hub="file")
_RUNS_COMMAND = Tool(None, image_runs_command=True)
_GENERIC = Tool(None, flags=_fs("--model-id"))

_LLAMA_SERVERS = ("llama-server", "whisper-server")
_LLAMA_BINARIES = (
    "llama-cli", "llama-simple", "llama-simple-chat", "llama-mtmd-cli", "llama-llava-cli",
    "llama-minicpmv-cli", "llama-qwen2vl-cli", "llama-gemma3-cli", "llama-bench", "llama-perplexity",
    "llama-embedding", "llama-speculative", "llama-lookup", "llama-parallel", "llama-batched", "llama-infill",
    "llama-passkey", "llama-imatrix", "llamafile", "whisper-cli",
)
_MLX_COMMANDS = ("mlx_lm.generate", "mlx_lm.server", "mlx_lm.chat", "mlx_lm.lora", "mlx_lm.fuse",
                 "mlx_lm.convert", "mlx_lm.evaluate", "mlx_lm.cache_prompt", "mlx_lm", "mlx_vlm.generate")

TOOLS: dict[str, Tool] = {
    "vllm": _VLLM, "text-generation-launcher": _TGI, "text-embeddings-router": _TEI, "ollama": _OLLAMA,
    "huggingface-cli": _HF, "hf": _HF, "tune": _TUNE, "modelscope": _MODELSCOPE, "lmdeploy": _LMDEPLOY,
    "openai": _OPENAI_CLI, "llm": _LLM_CLI, "aider": _ROUTED, "litellm": _ROUTED, "lms": _LMS, "yolo": _YOLO,
    **{name: _LLAMA_CPP for name in _LLAMA_BINARIES}, **{name: _LLAMA_SERVER for name in _LLAMA_SERVERS},
    **{name: _MLX for name in _MLX_COMMANDS},
}

_MODULES: dict[str, Tool] = {
    "vllm.entrypoints.openai.api_server": _VLLM_SERVER, "vllm.entrypoints.api_server": _VLLM_SERVER,
    "vllm": _VLLM, "sglang.launch_server": _SGLANG, "llama_cpp.server": _LLAMA_CPP_PY, "lmdeploy": _LMDEPLOY,
    "huggingface_hub.commands.huggingface_cli": _HF, "mlx_lm": _MLX, "mlx_vlm": _MLX,
    "text_generation_server.cli": _TGI,
}


def module_tool(module: str, first_arg: str = "") -> Tool | None:
    """The tool behind `python -m MODULE`."""
    if module in _MODULES:
        return _MODULES[module]
    if module.startswith(("mlx_lm.", "mlx_vlm.")):
        return _MLX
    if module.startswith("fastchat.serve."):
        return _FASTCHAT
    return None


def image_tool(image: str) -> Tool | None:
    """The tool a container image runs when given only arguments (`vllm/vllm-openai --model X`)."""
    ref = image.strip().lower().split("@")[0]
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    repo = ref[:colon] if colon > slash else ref
    if "vllm-openai" in repo or repo.endswith(("vllm/vllm-tpu", "rocm/vllm", "/vllm")):
        return _VLLM_SERVER
    if "text-generation-inference" in repo:
        return _TGI
    if "text-embeddings-inference" in repo:
        return _TEI
    if "llama.cpp" in repo or repo.endswith("llama-cpp-server"):
        tag = ref[colon + 1:] if colon > slash else ""
        return _LLAMA_SERVER if "server" in tag or repo.endswith("llama-cpp-server") else _LLAMA_CPP
    if repo.endswith("ollama/ollama") or repo == "ollama":
        return Tool("ollama", positional=1, subcommands=_fs("pull", "run"), hub="ollama", generic_flags=False)
    if repo.endswith(("lmsysorg/sglang", "openmmlab/lmdeploy", "xprobe/xinference")):
        return _RUNS_COMMAND
    if repo.endswith("michaelf34/infinity"):
        return _GENERIC
    return None
