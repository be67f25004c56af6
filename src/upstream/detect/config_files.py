"""YAML, TOML, JSON and INI keys that select a model or an endpoint.

Covers application and tool configs (Continue, aider, OpenHands, Codex, LibreChat, promptfoo),
LiteLLM proxy configs, training configs (Hydra/OmegaConf, axolotl, LLaMA-Factory), docker-compose
files, Kubernetes manifests and Helm values, and CI workflows (their `run:` steps go through the
shell command reader). Hugging Face model-folder files (config.json, tokenizer files) are left to
the model-artifact detector; package manifests and lock files to the dependency detector.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from upstream.detect import Detection, FileInput, ParseError, Screen
from upstream.detect.config_keys import dedupe
from upstream.detect.config_text import lenient_text
from upstream.detect.config_tree import Map, Node, load_ini, load_json, load_toml, load_yaml
from upstream.detect.config_walk import ConfigWalker
from upstream.evidence import EvidenceKind

_YAML = frozenset({".yaml", ".yml"})
_JSON = frozenset({".json", ".jsonc"})
_INI = frozenset({".ini", ".cfg", ".conf"})
_SKIP_NAMES = frozenset({
    "upstream.toml",  # our own policy file: model names in its ignores are not uses
    "package.json", "package-lock.json", "composer.json", "jsconfig.json", "pnpm-lock.yaml", "yarn.lock",
    "generation_config.json", "special_tokens_map.json", "preprocessor_config.json", "model_index.json",
    "adapter_config.json", "config_sentence_transformers.json", "sentence_bert_config.json", "modules.json",
    "quantize_config.json", "quant_config.json", "trainer_state.json", "vocab.json", "added_tokens.json",
    "params.json", "processor_config.json", "chat_template.json", "deno.lock", "bun.lock", ".eslintrc.json",
    "conda-lock.yml", "renovate.json", "lerna.json", "nx.json", "angular.json", "turbo.json", "vercel.json",
    "manifest.json", "app.json",
})
_HF_KEYS = frozenset({"architectures", "model_type", "peft_type", "_name_or_path", "_class_name",
                      "_diffusers_version", "tokenizer_class", "quant_method"})
_NOT_CONFIG_KEYS = frozenset({"openapi", "swagger", "asyncapi"})


class ConfigFileDetector:
    """YAML, TOML, JSON and INI keys that select a model or an endpoint."""

    id = "config"
    screen = Screen(_YAML | _JSON | _INI | {".toml"})
    keywords: tuple[bytes, ...] = (
        b"model", b"Model", b"MODEL", b"base_url", b"BASE_URL", b"api_base", b"API_BASE", b"baseURL", b"baseUrl",
        b"apiBase", b"endpoint", b"Endpoint", b"ENDPOINT", b"checkpoint", b"repo_id", b"vllm", b"ollama",
        b"llama", b"huggingface", b"hf download", b"text-generation", b"text-embeddings", b"sglang", b"lmdeploy",
        b"mlx_lm", b"llm", b"LLM", b"deployment", b"Deployment", b"openai", b"OPENAI", b"providers", b"hf.co",
        b"HOST", b"host",
    )

    def wants(self, path: str, name: str, suffix: str) -> bool:
        low = name.lower()
        if low in _SKIP_NAMES or low.startswith(("tokenizer", "tsconfig")) or low.endswith((".min.json", "-lock.yaml")):
            return False
        return suffix in _YAML or suffix in _JSON or suffix in _INI or suffix == ".toml"

    def detect(self, file: FileInput) -> Iterator[Detection]:
        suffix = file.suffix
        fmt = "yaml" if suffix in _YAML else "json" if suffix in _JSON else "toml" if suffix == ".toml" else "ini"
        text = lenient_text(file) if fmt == "ini" else file.text()  # INI is read line by line
        yield from scan_config_text(text, fmt, text.splitlines(), detector=self.id,
                                    strict_ini=suffix == ".ini" and _looks_ini(text))


def scan_config_text(text: str, fmt: str, lines: Sequence[str], *, kind: EvidenceKind = "config",
                     detector: str = "config", strict_ini: bool = False) -> list[Detection]:
    """Models and endpoints in a `yaml`, `json`, `toml` or `ini` document (`lines`: the file's lines,
    for snippets). Raises ParseError when the text is broken in that format."""
    if fmt == "yaml":
        docs = _yaml_docs(text)
    elif fmt == "json":
        docs = [load_json(text)]
        if _hf_file(docs[0]):
            return []
    elif fmt == "toml":
        docs = [_without_upstream_policy(load_toml(text))]
    else:
        docs = [load_ini(text, strict=strict_ini)]
    found: list[Detection] = []
    for doc in docs:
        if isinstance(doc, Map) and {k.lower() for k, _, _ in doc.entries} & _NOT_CONFIG_KEYS:
            continue
        found.extend(ConfigWalker(list(lines), kind=kind, detector=detector).run(doc))
    return dedupe(found)


def _without_upstream_policy(doc: Node) -> Node:
    """A pyproject.toml minus its `[tool.upstream]` table: upstream's own policy names models it is about."""
    tool = doc.get("tool") if isinstance(doc, Map) else None
    if isinstance(tool, Map) and tool.get("upstream") is not None:
        tool.entries = [e for e in tool.entries if e[0] != "upstream"]
    return doc


def _yaml_docs(text: str) -> list[Node]:
    try:
        return load_yaml(text)
    except ParseError:
        if "{{" in text or "{%" in text:  # a Helm / Jinja template, not YAML until rendered
            return []
        raise


def _hf_file(doc: Node) -> bool:
    """A Hugging Face model-folder file (config.json and friends): another detector's business."""
    return isinstance(doc, Map) and bool({k for k, _, _ in doc.entries} & _HF_KEYS)


_INI_LINE_RE = re.compile(r"^\s*(?:\[[^\]]+\]|[^=:\s][^=:]*[=:].*|[#;].*)?\s*$")


def _looks_ini(text: str) -> bool:
    """Strict parsing only for files whose first lines read as INI (some `.ini` files are other formats)."""
    head = [ln for ln in text.splitlines()[:20] if ln.strip()]
    return bool(head) and sum(1 for ln in head if _INI_LINE_RE.match(ln)) >= max(1, len(head) - 1)
