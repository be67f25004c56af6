"""AI SDKs declared as dependencies (requirements, pyproject, setup.cfg, Pipfile, conda env, package.json).

A dependency is evidence that an SDK is present, never of a model: every finding has subject "sdk" and
the package name, normalised (PEP 503 for Python: lower case, runs of `-_.` as one `-`; npm names as
written). Lock files are not read: they list what the declared SDKs pull in.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from upstream.detect import Detection, FileInput, ParseError, Screen

PYPI_SDKS = frozenset({
    # provider SDKs
    "openai", "anthropic", "google-genai", "google-generativeai", "google-cloud-aiplatform", "vertexai",
    "mistralai", "groq", "cohere", "dashscope", "zhipuai", "zai-sdk", "ollama", "together", "fireworks-ai",
    "openrouter", "voyageai", "replicate", "ai21", "xai-sdk", "cerebras-cloud-sdk", "azure-ai-inference",
    "ibm-watsonx-ai", "qianfan", "erniebot", "volcengine-python-sdk", "modelscope", "lmstudio", "openai-agents",
    "llama-stack-client",
    # frameworks and routers
    "litellm", "langchain", "langgraph", "llama-index", "haystack-ai", "farm-haystack", "semantic-kernel",
    "crewai", "dspy", "dspy-ai", "pydantic-ai", "pydantic-ai-slim", "smolagents", "autogen-agentchat",
    "autogen-ext", "pyautogen", "ag2", "instructor", "guidance", "outlines", "llm",
    # weights loaded in-process
    "transformers", "sentence-transformers", "diffusers", "huggingface-hub", "text-generation", "optimum",
    "peft", "vllm", "sglang", "llama-cpp-python", "ctransformers", "exllamav2", "mlx-lm", "mlx-vlm", "gpt4all",
    "tensorrt-llm", "onnxruntime-genai", "mistral-inference", "openai-whisper", "faster-whisper", "fastembed",
    "flagembedding", "open-clip-torch",
})
PYPI_PREFIXES = ("langchain-", "llama-index-", "haystack-", "langgraph-")
NPM_SDKS = frozenset({
    "openai", "ollama", "langchain", "ai", "llamaindex", "groq-sdk", "cohere-ai", "together-ai", "replicate",
    "node-llama-cpp", "@xenova/transformers", "@google/genai", "@google/generative-ai", "@google-cloud/vertexai",
    "@google-cloud/aiplatform", "@aws-sdk/client-bedrock-runtime", "@aws-sdk/client-bedrock", "@azure/openai",
    "@azure-rest/ai-inference", "@openai/agents", "@openrouter/ai-sdk-provider", "@openrouter/sdk",
    "@mlc-ai/web-llm", "portkey-ai", "voyageai", "genkit", "@mastra/core", "@modelfusion/core", "modelfusion",
})
NPM_PREFIXES = ("@langchain/", "@ai-sdk/", "@llamaindex/", "@huggingface/", "@anthropic-ai/", "@mistralai/",
                "@genkit-ai/")

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_MAX_ITEMS = 20_000


def normalise(name: str) -> str:
    """PEP 503 name: `Sentence_Transformers` -> `sentence-transformers`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_pypi_sdk(name: str) -> bool:
    n = normalise(name)
    return n in PYPI_SDKS or n.startswith(PYPI_PREFIXES)


def is_npm_sdk(name: str) -> bool:
    return name in NPM_SDKS or name.startswith(NPM_PREFIXES)


def requirement_name(spec: str) -> str | None:
    """The project name of a PEP 508 / pip requirement line (`openai[datalib]>=1.0 ; python_version>'3.8'`)."""
    spec = spec.strip()
    egg = _EGG.search(spec)
    if egg:
        return egg.group(1)
    if not spec or spec.startswith(("-", "#", ".", "/", "git+", "http:", "https:", "file:")):
        return None
    m = _NAME.match(spec)
    return m.group(1) if m else None


_DEP_SUFFIXES = frozenset({"", ".toml", ".cfg", ".json", ".txt", ".in", ".yml", ".yaml"})


class DependencyDetector:
    """AI SDKs declared as dependencies (requirements, pyproject, package.json)."""

    id = "sdk-dependencies"
    screen = Screen(_DEP_SUFFIXES)
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        if suffix not in _DEP_SUFFIXES:
            return False  # the cheap answer for most files
        low = name.lower()
        parent = path.rsplit("/", 2)[-2].lower() if "/" in path else ""
        return (
            low in ("pyproject.toml", "setup.cfg", "pipfile", "package.json", "conda.yml", "conda.yaml")
            or (low.startswith(("requirements", "constraints")) and suffix in (".txt", ".in"))
            or (parent in ("requirements", "reqs") and suffix in (".txt", ".in"))
            or (low.startswith("environment") and suffix in (".yml", ".yaml"))
        )

    def detect(self, file: FileInput) -> Iterator[Detection]:
        text = file.text()
        name = file.name.lower()
        lines = text.splitlines()
        if name == "package.json":
            found: Iterable[tuple[str, int, str | None]] = _package_json(text, lines)
        elif name == "pyproject.toml":
            found = _pyproject(_toml(text), lines)
        elif name == "pipfile":
            found = _pipfile(_toml(text), lines)
        elif name == "setup.cfg":
            found = _setup_cfg(text, lines)
        elif file.suffix in (".yml", ".yaml"):
            found = _conda_env(text)
        else:
            found = _requirements(lines)
        seen: set[tuple[str, int]] = set()
        for value, line, note in found:
            if (value, line) in seen:
                continue
            seen.add((value, line))
            yield Detection(
                subject="sdk", value=value, line=line, kind="config", confidence="high", detector=self.id,
                technique="manifest-analysis", snippet=lines[line - 1] if 0 < line <= len(lines) else "",
                note=note,
            )


# --------------------------------------------------------------------------- Python manifests


def _requirements(lines: list[str]) -> Iterator[tuple[str, int, str | None]]:
    for i, raw in enumerate(lines[:_MAX_ITEMS], start=1):
        line = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0] if "#egg=" not in raw else raw
        name = requirement_name(line)
        if name and is_pypi_sdk(name):
            yield normalise(name), i, None


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ParseError(f"invalid TOML: {exc}") from None


def _pyproject(doc: dict[str, Any], lines: list[str]) -> Iterator[tuple[str, int, str | None]]:
    project = _dict(doc.get("project"))
    yield from _specs(project.get("dependencies"), lines, "[project]", None)
    for extra, specs in _dict(project.get("optional-dependencies")).items():
        yield from _specs(specs, lines, "optional-dependencies", f"optional: {extra}")
    for group, specs in _dict(doc.get("dependency-groups")).items():
        yield from _specs(specs, lines, "[dependency-groups]", f"group: {group}")
    tool = _dict(doc.get("tool"))
    poetry = _dict(tool.get("poetry"))
    yield from _keys(poetry.get("dependencies"), lines, "[tool.poetry.dependencies]", None)
    yield from _keys(poetry.get("dev-dependencies"), lines, "[tool.poetry.dev-dependencies]", "group: dev")
    for group, body in _dict(poetry.get("group")).items():
        yield from _keys(_dict(body).get("dependencies"), lines, f"[tool.poetry.group.{group}", f"group: {group}")
    for group, specs in _dict(_dict(tool.get("pdm")).get("dev-dependencies")).items():
        yield from _specs(specs, lines, "[tool.pdm", f"group: {group}")
    yield from _specs(_dict(tool.get("uv")).get("dev-dependencies"), lines, "[tool.uv", "group: dev")


def _pipfile(doc: dict[str, Any], lines: list[str]) -> Iterator[tuple[str, int, str | None]]:
    yield from _keys(doc.get("packages"), lines, "[packages]", None)
    yield from _keys(doc.get("dev-packages"), lines, "[dev-packages]", "group: dev")


def _setup_cfg(text: str, lines: list[str]) -> Iterator[tuple[str, int, str | None]]:
    cfg = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        cfg.read_string(text)
    except configparser.Error as exc:
        raise ParseError(f"invalid setup.cfg: {exc.__class__.__name__}") from None
    fields: list[tuple[str, str, str | None]] = []
    if cfg.has_option("options", "install_requires"):
        fields.append(("install_requires", cfg.get("options", "install_requires"), None))
    if cfg.has_section("options.extras_require"):
        fields += [(k, v, f"optional: {k}") for k, v in cfg.items("options.extras_require")]
    for key, value, note in fields:
        start = _section_line(lines, key)
        for spec in value.splitlines():
            spec = re.split(r"(?:^|\s)[#;]", spec, maxsplit=1)[0]
            name = requirement_name(spec)
            if name and is_pypi_sdk(name):
                yield normalise(name), _find(lines, spec.strip(), start), note


def _specs(specs: Any, lines: list[str], section: str, note: str | None) -> Iterator[tuple[str, int, str | None]]:
    """PEP 508 strings in a TOML list (`include-group` tables skipped)."""
    if not isinstance(specs, list):
        return
    start = _section_line(lines, section)
    for spec in specs[:_MAX_ITEMS]:
        if not isinstance(spec, str):
            continue
        name = requirement_name(spec)
        if name and is_pypi_sdk(name):
            yield normalise(name), _find(lines, spec, start), note


def _keys(table: Any, lines: list[str], section: str, note: str | None) -> Iterator[tuple[str, int, str | None]]:
    """Package names as TOML keys (`openai = "^1.30"`), as in Poetry and Pipfile."""
    start = _section_line(lines, section)
    for name in list(_dict(table))[:_MAX_ITEMS]:
        if name.lower() != "python" and is_pypi_sdk(name):
            key = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", re.I)
            yield normalise(name), _find(lines, key, start), note


# --------------------------------------------------------------------------- conda and npm


def _conda_env(text: str) -> Iterator[tuple[str, int, str | None]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        raise ParseError(f"invalid YAML: {exc.__class__.__name__}") from None
    deps = _mapping_value(root, "dependencies")
    if not isinstance(deps, yaml.SequenceNode):
        return
    for item in deps.value[:_MAX_ITEMS]:
        if isinstance(item, yaml.ScalarNode):
            # conda spec: `conda-forge::transformers>=4.40`, `pytorch=2.3`
            name = requirement_name(str(item.value).split("::")[-1])
            if name and is_pypi_sdk(name):
                yield normalise(name), item.start_mark.line + 1, "conda"
        pip = _mapping_value(item, "pip")
        if isinstance(pip, yaml.SequenceNode):
            for spec in pip.value[:_MAX_ITEMS]:
                if isinstance(spec, yaml.ScalarNode):
                    name = requirement_name(str(spec.value))
                    if name and is_pypi_sdk(name):
                        yield normalise(name), spec.start_mark.line + 1, "pip"


def _mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            found: yaml.Node = v
            return found
    return None


def _package_json(text: str, lines: list[str]) -> Iterator[tuple[str, int, str | None]]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict):
        return
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        start = _section_line(lines, f'"{section}"')
        note = None if section == "dependencies" else section
        for name in list(_dict(doc.get(section)))[:_MAX_ITEMS]:
            if is_npm_sdk(name):
                key = re.compile(rf"^\s*\"{re.escape(name)}\"\s*:")
                yield name, _find(lines, key, start), note


# --------------------------------------------------------------------------- locating lines


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _section_line(lines: list[str], marker: str) -> int:
    """Index of the first line that contains `marker` (0 when absent): where to start looking."""
    return next((i for i, ln in enumerate(lines) if marker in ln), 0)


def _find(lines: list[str], needle: str | re.Pattern[str], start: int) -> int:
    """1-based line of `needle` at or after `start` (then anywhere); the section's line when not found."""
    def hit(ln: str) -> bool:
        return bool(needle.search(ln)) if isinstance(needle, re.Pattern) else needle in ln

    for rng in (range(start, len(lines)), range(0, min(start, len(lines)))):
        for i in rng:
            if hit(lines[i]):
                return i + 1
    return start + 1
