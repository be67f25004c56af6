"""Model ids outside known SDK calls: under names that say "model", and in HTTP request payloads.

`model: "..."`, `modelName:`, `const EMBEDDING_MODEL = ...`, `this.model = ...`, `useState("...")` for a
`model` state, `<Chat model="..." />`, default parameters named so, lists named `MODELS`, and
`fetch(url, { body: JSON.stringify({ model }) })`. The value must look like a model id
(`identifiers.is_plausible(v, "keyed")`); ids of no known family count only in an AI context (the module
imports an AI SDK, the object also holds `messages`/`prompt`/..., or the name itself says LLM/embedding).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tree_sitter import Node

from upstream.detect.identifiers import (
    FAMILY_TOKENS,
    has_family,
    hf_id_from_url,
    is_family_mention,
    is_hf_id,
    is_model_file,
    is_ollama_tag,
    is_plausible,
)
from upstream.detect.js_calls import BASE_KEYS, EndpointFind, Find, is_url, ollama_url, site_row
from upstream.detect.js_nodes import arguments, prop_key, text, unwrap
from upstream.detect.js_scope import ImportRef
from upstream.detect.js_values import STATE_HOOKS, Resolver, Str
from upstream.evidence import Hub

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_NOT_AI_QUALIFIERS = frozenset({
    "view", "data", "domain", "db", "mongoose", "sequelize", "orm", "user", "product", "car", "vehicle", "device",
    "phone", "three", "gltf", "mesh", "ng", "v", "x", "wire", "bind", "prisma", "entity", "table", "schema",
    "form", "list", "tree", "grid", "store", "state", "page", "component", "parent", "child", "related", "target",
    "source", "backbone", "collection", "scene", "character", "avatar", "printer", "camera",
})
_AI_WORDS = frozenset({
    "llm", "ai", "openai", "chat", "embedding", "embed", "completion", "gpt", "ollama", "anthropic", "claude",
    "gemini", "vision", "whisper", "tts", "stt", "inference", "lm", "rerank", "reranker", "agent", "assistant",
    "summary", "summarizer", "summarization", "translation", "transcription", "llama", "hf", "huggingface",
    "generation", "reasoning", "instruct", "mistral", "groq", "deepseek", "qwen", "vlm", "asr",
})
_AI_SIBLINGS = frozenset({
    "messages", "prompt", "temperature", "max_tokens", "maxTokens", "maxOutputTokens", "max_completion_tokens",
    "top_p", "topP", "top_k", "topK", "stream", "system", "systemPrompt", "input", "provider", "apiKey",
    "api_key", "baseURL", "baseUrl", "base_url", "num_ctx", "num_predict", "stop", "tools", "tool_choice",
    "response_format", "instructions", "embedding", "dimensions", "contents", "keep_alive", "format", "seed",
    "frequency_penalty", "presence_penalty", "reasoning_effort", "context_length", "quantization",
})
_NOT_AI_SIBLINGS = frozenset({
    "make", "brand", "manufacturer", "vendor", "year", "vin", "sku", "price", "serial", "serialNumber",
    "mileage", "color", "colour", "trim", "imei", "firmware", "engine", "horsepower", "condition",
})
_ASSET = re.compile(
    r"(?i)\.(?:glb|gltf|obj|fbx|stl|dae|3ds|usdz?|ply|vrm|mtl|blend|png|jpe?g|webp|gif|svg|mp3|wav|ogg|mp4|"
    r"webm|js|mjs|cjs|ts|tsx|jsx|vue|svelte|html?|css|scss|json|ya?ml|md)$"
)
# A family name alone ("claude", "gpt") under a `model` key is a label, not a model id.
_BARE_FAMILIES = frozenset(FAMILY_TOKENS)
BASE_KEYS_LOWER = frozenset(k.lower() for k in BASE_KEYS)
_LIST_ITEM_KEYS = ("id", "value", "model", "modelId", "slug")
_FETCHERS = frozenset({"fetch", "$fetch", "ofetch", "ky", "got", "axios", "request", "useFetch", "fetchEventSource",
                       "undici.fetch", "globalThis.fetch", "window.fetch"})
_SENDERS = frozenset({"post", "put", "patch"})
_INFERENCE_PATH = re.compile(
    r"/(?:chat/completions|completions|embeddings|responses|messages|api/generate|api/chat|api/embed(?:dings)?|"
    r"models/[^/]+:(?:generateContent|streamGenerateContent|embedContent)|inference|invocations|predict)\b"
)


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(name)]


def model_name_kind(name: str) -> str | None:
    """"one" for names of a model id (`model`, `EMBEDDING_MODEL`, `modelName`), "many" for lists."""
    w = words(name)
    if not w or any(q in _NOT_AI_QUALIFIERS for q in w[:-1]):
        return None
    if w[-1] == "model":
        return "one"
    if len(w) >= 2 and w[-2] == "model":
        if w[-1] in ("name", "id", "path", "file", "repo", "tag", "slug", "url", "key"):
            return "one"
        if w[-1] in ("list", "options", "choices", "ids", "names", "map", "aliases", "catalog", "registry"):
            return "many"
    if w[-1] == "models":
        return "many"
    return None


def _base_key(key: str) -> bool:
    """`baseURL`, `ollamaBaseUrl`, `OPENAI_API_BASE`, `llmHost`, `inferenceEndpoint`..."""
    low = key.lower().replace("_", "").replace("-", "")
    return low in BASE_KEYS_LOWER or low.endswith(("baseurl", "apibase", "apiurl", "basepath", "host", "endpoint",
                                                   "serverurl"))


def _ai_name(name: str) -> bool:
    return any(w in _AI_WORDS for w in words(name))


def keyed_ok(value: str, ai_context: bool) -> bool:
    """Whether a value under a model-named key is reported."""
    v = value.strip()
    if not is_plausible(v, "keyed") or _ASSET.search(v) or v.startswith("#") or v.lower() in _BARE_FAMILIES:
        return False
    if hf_id_from_url(v) or is_model_file(v) or ai_context:
        return True
    # No AI in sight: only ids that name a known family concretely (`gpt-4o`, `Qwen/Qwen2.5-7B`, `llama3:8b`).
    if is_hf_id(v) or is_ollama_tag(v):
        return has_family(v)
    return is_family_mention(v)


class GenericFinder:
    """Keyed and payload evidence of one module."""

    def __init__(self, resolver: Resolver, file_ai: bool) -> None:
        self.r = resolver
        self.file_ai = file_ai
        self.finds: list[Find] = []
        self.endpoints: list[EndpointFind] = []

    def run(self) -> None:
        nodes = self.r.index.nodes
        for obj in nodes.get("object", []):
            pairs = [c for c in obj.named_children if c.type == "pair"]
            if any(model_name_kind(prop_key(p.child_by_field_name("key")) or "") for p in pairs):
                self._object(obj, pairs)
        for decl in nodes.get("variable_declarator", []):
            self._declarator(decl)
        for field in (*nodes.get("field_definition", []), *nodes.get("public_field_definition", [])):
            name = field.child_by_field_name("property") or field.child_by_field_name("name")
            self._named(text(name), field.child_by_field_name("value"), field)
        for assign in nodes.get("assignment_expression", []):
            left = assign.child_by_field_name("left")
            if left is not None and left.type == "member_expression":
                left = left.child_by_field_name("property")
            if left is not None and left.type in ("identifier", "property_identifier"):
                self._named(text(left), assign.child_by_field_name("right"), assign)
        for enum in nodes.get("enum_declaration", []):  # `enum ChatModel { Fast = "gpt-4o-mini" }`
            body = enum.child_by_field_name("body")
            enum_name = text(enum.child_by_field_name("name"))
            if body is not None and model_name_kind(enum_name):
                for member in body.named_children:
                    value = member.child_by_field_name("value") if member.type == "enum_assignment" else None
                    if value is not None:
                        self._keep(self.r.strings(value), enum_name, member)
        for attr in nodes.get("jsx_attribute", []):
            parts = attr.named_children
            if len(parts) == 2 and parts[0].type == "property_identifier":
                value = parts[1].named_children[0] if parts[1].type == "jsx_expression" and \
                    parts[1].named_children else parts[1]
                self._named(text(parts[0]), value, attr)
        for name_node, default in self.r.index.params:
            self._named(text(name_node), default, name_node)
        for call in nodes.get("call_expression", []):
            self._request(call)
        for option, defaults in self.r.cli_defaults().items():  # `.option("--model <id>", "...", "gpt-4o")`
            for option_default in defaults:
                self._named(option, option_default, option_default)

    # ------------------------------------------------------------------ keyed names

    def _object(self, obj: Node, pairs: list[Node]) -> None:
        siblings = set(self.r.keys(obj))
        if siblings & _NOT_AI_SIBLINGS:
            return
        keys = self.r.keys(obj)
        base = next((s for k, v in keys.items() if _base_key(k) for s in self.r.strings(v) if is_url(s.value)), None)
        for pair in pairs:
            key = prop_key(pair.child_by_field_name("key"))
            value = pair.child_by_field_name("value")
            if key is not None and value is not None:
                self._named(key, value, pair, bool(siblings & _AI_SIBLINGS), base)

    def _declarator(self, decl: Node) -> None:
        name, value = decl.child_by_field_name("name"), decl.child_by_field_name("value")
        if name is None or value is None:
            return
        if name.type == "array_pattern":
            first = next((c for c in name.named_children if c.type == "identifier"), None)
            if first is not None and _hook_arg(value) is not None:
                self._named(text(first), value, decl)
        elif name.type == "identifier":
            self._named(text(name), value, decl)

    def _named(self, name: str, value: Node | None, site: Node, ai_siblings: bool = False,
               base: Str | None = None) -> None:
        kind = model_name_kind(name) if value is not None else None
        if kind is None or value is None:
            return
        hook = _hook_arg(value)
        value = hook if hook is not None else value
        if kind == "one":
            defaults = self.r.path(self.r.objects(value), "default")  # `model: { type: String, default: "..." }`
            strs = [s for v in defaults for s in self.r.strings(v)] or self.r.strings(value)
        else:
            strs = self._listed(value)
        self._keep(strs, name, site, ai_siblings, base)

    def _keep(self, strs: list[Str], name: str, site: Node, ai_siblings: bool = False,
              base: Str | None = None) -> None:
        ctx = self.file_ai or ai_siblings or _ai_name(name)
        hub: Hub | None = "ollama" if base is not None and ollama_url(base.value) else None
        for s in strs:
            if keyed_ok(s.value, ctx):
                self.finds.append(Find(s, site_row(site, s), None, hub, base, "medium", f"{name}", 0))

    def _listed(self, value: Node) -> list[Str]:
        out: list[Str] = []
        for v in self.r.values(value):
            if isinstance(v, ImportRef):
                continue
            if v.type == "array":
                for item in v.named_children:
                    out.extend(self._item(item))
            elif v.type == "object":
                for c in v.named_children:
                    if c.type == "pair" and (inner := c.child_by_field_name("value")) is not None:
                        out.extend(self._item(inner))
        return out

    def _item(self, item: Node) -> list[Str]:
        objs = self.r.objects(item)
        if objs:
            return [s for k in _LIST_ITEM_KEYS for v in self.r.path(objs, k) for s in self.r.strings(v)]
        return self.r.strings(item)

    # ------------------------------------------------------------------ request payloads

    def _request(self, call: Node) -> None:
        fn = call.child_by_field_name("function")
        args = arguments(call)
        if fn is None or not args:
            return
        name = text(fn)
        method = name.rsplit(".", 1)[-1]
        if name in _FETCHERS:
            opts = self.r.objects(args[1]) if len(args) > 1 else []
            url_node: Node | None = args[0]
            if not opts and args[0].type != "string" and name == "axios":
                opts = self.r.objects(args[0])
                url_node = next(iter(self.r.path(opts, "url")), None)
            bodies = [o for key in ("body", "json", "data") for v in self.r.path(opts, key) for o in self._payload(v)]
        elif method in _SENDERS and fn.type == "member_expression":
            url_node = args[0]
            bodies = self._payload(args[1]) if len(args) > 1 else []
        else:
            return
        models = [s for v in self.r.path(bodies, "model") for s in self.r.strings(v)]
        if not models:
            return
        url = next(iter(self.r.strings(url_node)), None) if url_node is not None else None
        absolute = url is not None and "://" in url.value
        inference = url is not None and absolute and bool(_INFERENCE_PATH.search(urlsplit(url.value).path))
        siblings = {prop_key(c.child_by_field_name("key")) for b in bodies for c in b.named_children
                    if c.type == "pair"}
        ctx = inference or self.file_ai or bool(siblings & _AI_SIBLINGS)
        base = url if absolute else None
        hub: Hub | None = None
        if url is not None and absolute and (ollama_url(url.value) or "/api/generate" in url.value
                                             or "/api/chat" in url.value):
            hub = "ollama"
        elif absolute and inference:
            hub = "api"
        if base is not None and url is not None:
            self.endpoints.append(EndpointFind(url, None, f"{name}() with a model payload"))
        for s in models:
            if keyed_ok(s.value, ctx):
                self.finds.append(Find(s, site_row(call, s), None, hub, base, "high" if inference else "medium",
                                       f"model in the payload of {name}()", 1))

    def _payload(self, node: Node) -> list[Node]:
        node = unwrap(node)
        if node.type == "call_expression" and text(node.child_by_field_name("function")) == "JSON.stringify":
            args = arguments(node)
            return self.r.objects(args[0]) if args else []
        return self.r.objects(node)


def _hook_arg(value: Node) -> Node | None:
    value = unwrap(value)
    if value.type != "call_expression":
        return None
    fn = value.child_by_field_name("function")
    args = arguments(value)
    if fn is not None and text(fn).rsplit(".", 1)[-1] in STATE_HOOKS and args:
        return args[0]
    return None
