"""Model ids beyond the known APIs: strings kept under model-named variables, keys and options.

Real projects wrap SDKs in their own helpers, so a model id often sits in `DEFAULT_MODEL = "..."`,
`{"model": "..."}` (an HTTP payload), `my_llm(model="...")` or `--model` with a default. Such
strings are reported with medium confidence when they have the shape of a model id
(`identifiers.is_plausible(value, "keyed")`).
"""

from __future__ import annotations

import ast
import re

from upstream.detect.identifiers import has_family, is_model_file, is_plausible
from upstream.detect.python_clients import is_url, ollama_url
from upstream.detect.python_facts import Facts, Scope, const_str
from upstream.detect.python_flow import Flow, Origin
from upstream.detect.python_hints import Siblings, key_provider
from upstream.detect.python_routes import route
from upstream.detect.python_sinks import Hit
from upstream.evidence import Hub

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_MODEL_WORDS = frozenset({"model", "models", "llm", "llms", "checkpoint", "checkpoints", "ckpt", "deployment",
                          "embedder", "reranker", "tokenizer", "repo"})
_TAIL_WORDS = frozenset({"name", "names", "id", "ids", "path", "or", "tag", "file", "identifier", "slug", "dir",
                         "folder", "list", "choices", "options", "map", "mapping", "alias", "aliases", "str",
                         "string", "checkpoint", "ckpt", "repo", "to", "use", "default", "override",
                         # a model's role beside others (`model_fast`, `model_reasoning`)
                         "fast", "slow", "small", "medium", "large", "big", "mini", "lite", "light", "heavy", "main",
                         "primary", "secondary", "fallback", "backup", "alt", "cheap", "smart", "strong", "weak",
                         "reasoning", "thinking", "chat", "vision", "coder", "judge", "planner", "summarizer",
                         "router", "draft", "premium", "pro", "turbo"})
_EXCLUDED = frozenset({"type", "types", "class", "classes", "cls", "config", "configs", "kind", "provider",
                       "providers", "family", "arch", "architecture", "format", "dtype", "task", "mode", "dump",
                       "validate", "validator", "fields", "field", "serializer", "form", "admin", "response",
                       "request", "user", "auth", "db", "orm", "django", "schema", "input", "output", "content",
                       "parent", "related", "table", "entity", "pydantic", "sql", "data", "dataset", "vehicle",
                       "car", "product", "device", "phone", "printer", "camera", "view", "viewset", "factory",
                       "manager", "url", "uri", "endpoint", "key", "api", "host", "port", "version", "cost",
                       "price", "pricing", "temperature", "max", "size", "dim", "params", "kwargs", "args",
                       "template", "prompt", "loader", "cache", "status", "label", "description", "count",
                       "revision", "hash", "sha", "license", "card", "meta", "spec", "opts", "settings",
                       "retired", "deprecated", "legacy", "unsupported", "blocked", "blacklisted", "banned",
                       "excluded", "incompatible", "compatible", "removed", "sunset", "resume", "save", "saved",
                       "best"})
_MODEL_KEY_EXACT = frozenset({"modelId", "modelName", "repoId"})
_URL_KEYS = frozenset({"base_url", "api_base", "baseURL", "baseUrl", "api_url", "url", "endpoint", "host",
                       "openai_api_base", "server_url", "base"})
# Keys that say the "model" beside them is a product's (a car's, a printer's), not an AI model.
_NON_AI_SIBLINGS = frozenset({"make", "brand", "manufacturer", "year", "serial", "serial_number", "vin", "color",
                              "colour", "sku", "trim", "mileage", "vendor_id", "firmware"})
_NOT_MODEL_LIBS = frozenset({"django", "rest_framework", "sqlalchemy", "factory", "mongoengine", "peewee",
                             "tortoise", "pydantic", "fastapi", "marshmallow", "graphene", "strawberry", "sklearn",
                             "flask_sqlalchemy", "wtforms", "ninja", "odoo"})


# Imports that make a module "AI code": there, a model-named string needs only a model id's shape;
# elsewhere (a Django app, a CLI) it must also name a known model family.
AI_ROOTS = frozenset({
    "openai", "anthropic", "google", "vertexai", "mistralai", "groq", "cohere", "dashscope", "zhipuai", "zai",
    "together", "fireworks", "xai_sdk", "volcenginesdkarkruntime", "ollama", "litellm", "huggingface_hub",
    "transformers", "sentence_transformers", "diffusers", "peft", "vllm", "llama_cpp", "mlx_lm", "llama_index",
    "crewai", "dspy", "instructor", "pydantic_ai", "agents", "smolagents", "autogen", "autogen_ext",
    "autogen_agentchat", "torch", "tensorflow", "keras", "sklearn", "onnxruntime", "ultralytics", "gpt4all", "timm",
    "open_clip", "whisper", "faster_whisper", "optimum", "unsloth", "trl", "accelerate", "tiktoken", "langgraph",
    "haystack", "semantic_kernel", "guidance", "outlines", "boto3", "replicate", "joblib", "xgboost", "lightgbm",
})


def is_model_key(name: str) -> bool:
    """Whether a variable, attribute, keyword or dict key is named like something that holds a model id."""
    if name in _MODEL_KEY_EXACT:
        return True
    words = [w.lower() for w in _WORDS.findall(name)]
    if not words or any(w in _EXCLUDED for w in words):
        return False
    idx = [i for i, w in enumerate(words) if w in _MODEL_WORDS]
    if not idx:
        return False
    i = idx[-1]
    if words[i] == "model" and i > 0 and words[i - 1] == "tokenizer":  # `tokenizer_model = "llama"`: a kind
        return False
    if words[i] == "repo" and words[i + 1:] not in (["id"], ["name"]) and (
            i == 0 or words[i - 1] not in ("model", "models", "checkpoint", "llm", "embedding", "embedder")):
        return False  # a bare `repo` is as often a code repository; `model_repo`, `repo_id` are models
    return all(w in _TAIL_WORDS for w in words[i + 1:])


class Keyed:
    """Collect keyed hits not already explained by a known API."""

    def __init__(self, facts: Facts, flow: Flow) -> None:
        self.facts, self.flow = facts, flow
        self.hits: list[Hit] = []
        self._payload_urls: dict[int, str] | None = None
        self._routed: set[int] = set()  # LiteLLM Router `litellm_params` dicts
        self.siblings = Siblings(flow)
        self.sinks: list[tuple[ast.expr, Scope]] = []  # model-named arguments of calls: where a model id goes
        roots = {q.lstrip(".").split(".")[0] for q in facts.imports.values()}
        self.ai_context = any(r in AI_ROOTS or r.startswith("langchain") for r in roots)

    def run(self, handled: set[int]) -> None:
        f = self.facts
        for name, value, scope in f.assigns:
            if is_model_key(name):
                self._value(value, scope, name, None, self.siblings.base_url(name, scope))
        for call, scope in f.calls:
            if id(call) in handled or self._not_model_lib(call, scope) or any(
                    k.arg in _NON_AI_SIBLINGS for k in call.keywords):
                continue
            for kw in call.keywords:
                if kw.arg and is_model_key(kw.arg):
                    self._value(kw.value, scope, kw.arg, call.lineno)
                    if self.ai_context:
                        self.sinks.append((kw.value, scope))
        for dest, opts in f.options.items():
            if is_model_key(dest):
                for origin in self.flow.option_strings(opts):
                    self._add(origin, None, None, key=dest)
        for node, scope in f.dicts:
            self._dict(node, scope)

    def _not_model_lib(self, call: ast.Call, scope: Scope) -> bool:
        q = self.flow.qualify(call.func, scope)
        return bool(q) and (q or "").split(".")[0] in _NOT_MODEL_LIBS

    def _value(self, value: ast.expr, scope: Scope, key: str, call_line: int | None,
               base_url: str | None = None, routed: bool = False, hint: str | None = None) -> None:
        containers = (ast.List, ast.Tuple, ast.Set, ast.Dict)
        if isinstance(value, containers):
            items: list[tuple[ast.expr, str | None]]
            if isinstance(value, ast.Dict):
                strs = [(v, const_str(k) if k is not None else None) for k, v in zip(value.keys, value.values,
                                                                                    strict=True)
                        if const_str(v) is not None]
                items = strs or [(k, None) for k in value.keys if k is not None]
            else:
                items = [(e, None) for e in value.elts]
            for e, sub in items:
                if not isinstance(e, containers):
                    self._value(e, scope, key, call_line, base_url, routed, sub or hint)
            return
        strict = isinstance(value, ast.Call) and self._not_model_lib(value, scope)  # an ORM field's default
        for origin in self.flow.strings(value, scope):
            related = None
            if call_line is not None and call_line != origin.node.lineno:
                related = (call_line, f"passed as {key}=")
            elif origin.node is not value and value.lineno != origin.node.lineno:
                related = (value.lineno, f"assigned to {key}")
            self._add(origin, related, base_url, routed, strict, hint or key)

    def _add(self, origin: Origin, related: tuple[int, str] | None, base_url: str | None,
             routed: bool = False, strict: bool = False, key: str | None = None) -> None:
        value = origin.value.strip()
        rel = [related] if related else []
        if routed:
            r = route("litellm", value)
            if is_plausible(r.canonical or value, "strong"):
                self.hits.append(Hit(origin, "high", r.provider, base_url, r.hub, canonical=r.canonical,
                                     related=rel, note=origin.note or "LiteLLM Router model_list"))
            return
        context = self.ai_context and not strict
        if not is_plausible(value, "keyed") or not (context or has_family(value) or is_model_file(value)):
            return
        hub: Hub | None = "ollama" if ollama_url(base_url) else None
        provider = None
        if base_url is None:
            hinted = key_provider(key, value)
            if hinted is not None:
                provider, hub = hinted
        self.hits.append(Hit(origin, "medium", provider, base_url, hub, related=rel, note=origin.note))

    def _dict(self, node: ast.Dict, scope: Scope) -> None:
        keys = {const_str(k): v for k, v in zip(node.keys, node.values, strict=True) if k is not None}
        params = keys.get("litellm_params")
        if isinstance(params, ast.Dict):
            self._routed.add(id(params))
        if not any(k and is_model_key(k) for k in keys) or any(k in _NON_AI_SIBLINGS for k in keys):
            return
        base_url = None
        for k, v in keys.items():
            if k in _URL_KEYS:
                base_url = next((o.value for o in self.flow.strings(v, scope) if is_url(o.value)), None)
                if base_url:
                    break
        if base_url is None:
            base_url = self.payload_urls().get(id(node))
        router = "litellm_params" in keys
        routed = id(node) in self._routed
        for k, v in keys.items():
            if k and is_model_key(k) and not (router and k == "model_name"):
                self._value(v, scope, k, None, base_url, routed and k == "model")
                if self.ai_context:
                    self.sinks.append((v, scope))

    def payload_urls(self) -> dict[int, str]:
        """Dict literals posted as JSON bodies, mapped to the URL they are posted to."""
        if self._payload_urls is None:
            self._payload_urls = {}
            for call, scope in self.facts.calls:
                func = call.func
                if not (isinstance(func, ast.Attribute) and func.attr in ("post", "put", "request", "stream")):
                    continue
                url_expr = next((k.value for k in call.keywords if k.arg == "url"), None)
                if url_expr is None and call.args:
                    url_expr = call.args[1] if func.attr in ("request", "stream") and len(call.args) > 1 \
                        else call.args[0]
                body = next((k.value for k in call.keywords if k.arg in ("json", "data")), None)
                if url_expr is None or body is None:
                    continue
                url = next((o.value for o in self.flow.strings(url_expr, scope) if is_url(o.value)), None)
                if url is None:
                    continue
                for c in self.flow.containers(body, scope):
                    self._payload_urls.setdefault(id(c), url)
        return self._payload_urls
