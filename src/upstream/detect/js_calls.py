"""Model references handed to known JavaScript AI SDKs, tied to the client or provider that sends them.

`classify()` says what an expression is (an OpenAI client built with some baseURL, an AI SDK provider
function from `createOpenAI`, a LangChain class, transformers.js `pipeline`...), following names and
`this.x` through the module. Each call, `new` and method call on such a thing gives the model ids it
receives (resolved to their literals by the Resolver) and the base URLs clients are built with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tree_sitter import Node

from upstream.detect.identifiers import canonical_id, is_family_mention, is_model_file, is_plausible, looks_like_path
from upstream.detect.js_nodes import arguments, text, unwrap
from upstream.detect.js_scope import FUNCTIONS, ImportRef
from upstream.detect.js_sdks import AI_SDK_PREFIXES, LANGCHAIN_INFER, LANGCHAIN_PREFIXES, Sdk, lookup
from upstream.detect.js_values import Resolver, Str
from upstream.evidence import Confidence, Hub

MODEL_KEYS = ("model", "modelId", "modelName", "model_name")
_CLASS_MODEL_KEYS = (*MODEL_KEYS, "azureOpenAIApiDeploymentName", "deploymentName", "modelPath", "deployment",
                     "modelType")
BASE_KEYS = ("baseURL", "baseUrl", "basePath", "serverURL", "endpoint", "host", "apiBase", "anthropicApiUrl",
             "azureOpenAIBasePath", "url")
_NESTED_BASE = ("configuration", "clientOptions", "httpOptions", "client", "requestOptions")
_POSITIONAL_METHODS = frozenset({"run", "stream", "getChatCompletions", "streamChatCompletions", "getCompletions",
                                 "streamCompletions", "getEmbeddings", "getImages", "getAudioTranscription",
                                 "getAudioTranslation"})
# Methods every Vercel AI SDK provider has: they take a model id.
_PROVIDER_METHODS = frozenset({"languageModel", "chatModel", "textEmbeddingModel", "embeddingModel", "imageModel",
                               "completionModel", "speechModel", "transcriptionModel"})
_REGISTRY_METHODS = frozenset({"languageModel", "textEmbeddingModel", "embeddingModel", "imageModel",
                               "speechModel", "transcriptionModel", "rerankingModel"})
# Method chains that only OpenAI-style, Anthropic, Google and Mistral clients have.
_SHAPES: tuple[tuple[str, ...], ...] = (
    ("chat", "completions", "create"), ("chat", "completions", "stream"), ("chat", "completions", "parse"),
    ("chat", "completions", "runTools"), ("responses", "create"), ("responses", "stream"), ("responses", "parse"),
    ("embeddings", "create"), ("completions", "create"), ("messages", "create"), ("messages", "stream"),
    ("messages", "countTokens"), ("models", "generateContent"), ("models", "generateContentStream"),
    ("models", "embedContent"), ("models", "generateImages"), ("images", "generate"), ("images", "edit"),
    ("audio", "transcriptions", "create"), ("audio", "speech", "create"), ("moderations", "create"),
    ("chat", "complete"), ("fim", "complete"), ("getGenerativeModel",), ("chats", "create"),
)
_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|localhost\b|127\.|\[::1\]|[\w.-]+:\d{2,5}(?:/|$))", re.I)
_KIND_OF_EXPORT = {"client": "class", "instance": "client"}


def is_url(value: str) -> bool:
    return bool(_URLISH.match(value.strip()))


def ollama_url(url: str) -> bool:
    low = url.lower()
    return ":11434" in low or "ollama" in low.split("/")[2 if "//" in low else 0]


@dataclass(frozen=True, slots=True)
class Target:
    """What an expression is, as far as models go: a client class or instance, a provider function..."""

    kind: str
    sdk: Sdk
    package: str
    base_url: Str | None = None
    base_set: bool = False  # a base URL is given but not resolvable (env without default)
    provider_override: str | None = None

    @property
    def provider(self) -> str | None:
        return self.provider_override or self.sdk.provider


@dataclass(frozen=True, slots=True)
class Find:
    """A model id found in the module, with what ties it to an endpoint."""

    value: Str
    site_row: int  # the call, `new` or property the literal flows into
    provider: str | None
    hub: Hub | None
    base_url: Str | None
    confidence: Confidence
    note: str
    rank: int  # 3: known SDK, 2: SDK-shaped call, 1: request payload, 0: keyed name
    canonical: str | None = None
    revision: str | None = None


@dataclass(frozen=True, slots=True)
class EndpointFind:
    url: Str
    provider: str | None
    note: str


class SdkMatcher:
    """Finds model ids and base URLs in the calls of one module."""

    def __init__(self, resolver: Resolver) -> None:
        self.r = resolver
        self.finds: list[Find] = []
        self.endpoints: list[EndpointFind] = []
        self._classes: dict[int, list[Target]] = {}
        self._busy: set[int] = set()

    def run(self) -> None:
        nodes = self.r.index.nodes
        for node in nodes.get("new_expression", []):
            self._new(node)
        for node in nodes.get("call_expression", []):
            self._call(node)

    # ------------------------------------------------------------------ classification

    def classify(self, node: Node, depth: int = 0) -> list[Target]:
        node = unwrap(node)
        if node.id in self._classes:
            return self._classes[node.id]
        if node.id in self._busy or depth > 8:
            return []
        self._busy.add(node.id)
        try:
            out = self._classify(node, depth + 1)
        finally:
            self._busy.discard(node.id)
        self._classes[node.id] = out
        return out

    def _classify(self, node: Node, depth: int) -> list[Target]:
        out: list[Target] = []
        for v in self.r.values(node):
            if isinstance(v, ImportRef):
                sdk = lookup(v.module, v.name)
                if sdk is not None:
                    out.append(Target(_KIND_OF_EXPORT.get(sdk.kind, sdk.kind), sdk, v.module))
            elif v.type == "new_expression":
                ctor = v.child_by_field_name("constructor")
                for c in self.classify(ctor, depth) if ctor is not None else []:
                    if c.kind == "class":
                        out.append(self._built(c, v, "client"))
            elif v.type == "call_expression":
                fn = v.child_by_field_name("function")
                if fn is None:
                    continue
                for c in self.classify(fn, depth):
                    if c.kind == "factory":
                        out.append(self._built(c, v, "provider"))
                    elif c.kind == "client-factory":
                        out.append(replace(c, kind="client"))
                    elif c.kind == "registry-factory":
                        out.append(replace(c, kind="registry"))
                for f in self.r.values(fn):
                    if not isinstance(f, ImportRef) and f.type in FUNCTIONS:
                        for ret in _returns(f):
                            out.extend(self.classify(ret, depth))
            elif v.type in ("ternary_expression", "binary_expression"):
                for side in ("consequence", "alternative", "left", "right"):
                    branch = v.child_by_field_name(side)
                    if branch is not None:
                        out.extend(self.classify(branch, depth))
        return out

    def _built(self, made_by: Target, node: Node, kind: str) -> Target:
        """A client (from `new`) or provider function (from a factory) with its base URL."""
        args = arguments(node)
        objs = self.r.objects(args[0]) if args else []
        if args and not objs:  # `new OpenAIApi(new Configuration({ basePath }))`
            objs = [o for v in self.r.values(args[0]) if not isinstance(v, ImportRef) and v.type == "new_expression"
                    for a in arguments(v)[:1] for o in self.r.objects(a)]
        candidates: list[Node] = []
        for o in objs:
            keys = self.r.keys(o)
            candidates += [keys[k] for k in BASE_KEYS if k in keys]
            for outer in _NESTED_BASE:
                for inner in self.r.objects(keys[outer]) if outer in keys else []:
                    inner_keys = self.r.keys(inner)
                    candidates += [inner_keys[k] for k in BASE_KEYS if k in inner_keys]
        if made_by.sdk.positional:
            candidates += [a for a in args if a.type != "object"]
        base: Str | None = None
        for c in candidates:
            base = next((s for s in self.r.strings(c) if is_url(s.value)), None)
            if base is not None:
                break
        override = None
        if made_by.package == "@google/genai" and any(
            text(v) == "true" for v in self.r.path(objs, "vertexai")
        ):
            override = "vertexai"
        target = Target(kind, made_by.sdk, made_by.package, base, bool(candidates) and base is None, override)
        if base is not None:
            self.endpoints.append(EndpointFind(base, target.provider, f"base URL of {made_by.package} client"))
        return target

    # ------------------------------------------------------------------ calls

    def _new(self, node: Node) -> None:
        ctor = node.child_by_field_name("constructor")
        args = arguments(node)
        for t in self.classify(ctor) if ctor is not None else []:
            if t.kind == "class":
                built = self.classify(node)
                if t.provider == "azure-openai":
                    for b in built:
                        self._keys(node, args, ("deployment",), b, f"new {text(ctor)}")
            elif t.kind in ("llm-class", "command"):
                keys = ("modelId",) if t.kind == "command" else _CLASS_MODEL_KEYS
                made = self._built(t, node, t.kind)
                if t.sdk.positional and args and args[0].type != "object":
                    self._emit(self.r.strings(args[0]), node, made, f"new {text(ctor)}")
                self._keys(node, args, keys, made, f"new {text(ctor)}")

    def _call(self, node: Node) -> None:
        fn = node.child_by_field_name("function")
        if fn is None:
            return
        args = arguments(node)
        callee = text(fn)[:60]
        for t in self.classify(fn):
            self._direct(node, t, args, callee)
        if fn.type != "member_expression":
            return
        chain, root, targets = self._split(fn)
        matched = False
        for t in targets:
            matched = self._method(node, t, chain, args, callee) or matched
        if not matched and any(tuple(chain[-len(s):]) == s for s in _SHAPES):
            relative = root is not None and any(isinstance(v, ImportRef) and v.relative for v in self.r.values(root))
            note = f"{callee}() on a client " + ("imported from another module" if relative else "built elsewhere")
            self._keys(node, args, ("model",), None, note)
        elif not matched and len(chain) == 1 and chain[0] in _PROVIDER_METHODS and args and root is not None:
            foreign = self._foreign_provider(root)
            if foreign is not None:
                self._emit(self.r.strings(args[0]), node, foreign, f"{callee}() of an AI SDK provider")

    def _foreign_provider(self, root: Node) -> Target | None:
        """A provider made by `createX(...)` from a package this detector has no table for (AI SDK community)."""
        for v in self.r.values(root):
            if isinstance(v, ImportRef) or v.type != "call_expression":
                continue
            fn = v.child_by_field_name("function")
            for ref in self.r.values(fn) if fn is not None else []:
                if isinstance(ref, ImportRef) and not ref.relative and ref.name.startswith("create") and \
                        lookup(ref.module, ref.name) is None:
                    return Target("provider", Sdk("provider", None), ref.module)
        return None

    def _split(self, fn: Node) -> tuple[list[str], Node | None, list[Target]]:
        """`a.b.c.create` -> the longest prefix that is something known, and the methods after it."""
        chain = [text(fn.child_by_field_name("property"))]
        obj = fn.child_by_field_name("object")
        while obj is not None:
            targets = self.classify(obj)
            if targets:
                return chain, obj, targets
            obj = unwrap(obj)
            if obj.type != "member_expression":
                return chain, obj, []
            chain.insert(0, text(obj.child_by_field_name("property")))
            obj = obj.child_by_field_name("object")
        return chain, None, []

    def _direct(self, node: Node, t: Target, args: list[Node], callee: str) -> None:
        if t.kind == "provider" and args:
            self._emit(self.r.strings(args[0]), node, t, f"{callee}()")
        elif t.kind == "pipeline" and len(args) > 1:
            self._emit(self.r.strings(args[1]), node, t, f"{callee}() model", revision=self._revision(args[2:]))
        elif t.kind == "model-fn":
            if t.sdk.positional and args and args[0].type != "object":
                provider = self._lc_provider(args[1:])
                self._emit(self.r.strings(args[0]), node, t, f"{callee}()", provider)
            self._keys(node, args, MODEL_KEYS, t, f"{callee}()", self._lc_provider(args))

    def _method(self, node: Node, t: Target, chain: list[str], args: list[Node], callee: str) -> bool:
        if t.kind == "client":
            if t.sdk.positional and chain[-1] in _POSITIONAL_METHODS and args and args[0].type != "object":
                self._emit(self.r.strings(args[0]), node, t, f"{callee}()")
            else:
                keys = (*MODEL_KEYS, "from") if t.provider == "ollama" else MODEL_KEYS  # ollama.create({ from })
                self._keys(node, args, keys, t, f"{callee}()")
            return True
        if t.kind == "provider" and len(chain) == 1 and args:
            self._emit(self.r.strings(args[0]), node, t, f"{callee}()")
            return True
        if t.kind == "hf-class" and chain[-1] in t.sdk.methods and args:
            self._emit(self.r.strings(args[0]), node, t, f"{callee}()", revision=self._revision(args[1:]))
            return True
        if t.kind == "registry" and chain[-1] in _REGISTRY_METHODS and args:
            self._emit(self.r.strings(args[0]), node, t, f"{callee}()")
            return True
        return t.kind in ("client", "provider", "registry", "llm-class")

    def _keys(self, node: Node, args: list[Node], keys: tuple[str, ...], t: Target | None, note: str,
              provider: str | None = None) -> None:
        if not args:
            return
        objs = [o for a in args[:2] for o in self.r.objects(a)]
        for key in keys:
            for v in self.r.path(objs, key):
                strs = self.r.strings(v)
                if not strs and t is not None and t.kind == "model-fn":
                    strs = self._factory_ids(v)
                self._emit(strs, node, t, note, provider)

    def _factory_ids(self, v: Node) -> list[Str]:
        """`generateText({ model: getGeminiModel("gemini-2.5-flash") })`, the model built by a helper of the
        project's own: the helper's string arguments that name a model of a known family."""
        out: list[Str] = []
        for val in self.r.values(v):
            if isinstance(val, ImportRef) or val.type != "call_expression":
                continue
            for a in arguments(val)[:2]:
                out.extend(s for s in self.r.strings(a) if is_family_mention(s.value.strip()))
        return out

    def _revision(self, args: list[Node]) -> str | None:
        objs = [o for a in args[:1] for o in self.r.objects(a)]
        return next((s.value for v in self.r.path(objs, "revision") for s in self.r.strings(v)), None)

    def _lc_provider(self, args: list[Node]) -> str | None:
        objs = [o for a in args for o in self.r.objects(a)]
        for v in self.r.path(objs, "modelProvider"):
            for s in self.r.strings(v):
                return s.value
        return None

    # ------------------------------------------------------------------ emit

    def _emit(self, strs: list[Str], site: Node, t: Target | None, note: str, provider_hint: str | None = None,
              revision: str | None = None) -> None:
        for s in strs:
            value = s.value.strip()
            if not is_plausible(value, "strong") or is_url(value):
                continue
            provider = t.provider if t is not None else None
            hub: Hub | None = t.sdk.hub if t is not None else None
            canonical: str | None = None
            route = t.sdk.route if t is not None else "plain"
            if route != "plain":
                provider, model = _split_route(value, route, provider_hint)
                hub = "api"
                if model != value:
                    canonical = model
                if provider == "langchain/ollama":
                    hub = "ollama"
                    canonical = canonical_id(model, "ollama")
            base = t.base_url if t is not None else None
            if hub == "huggingface" and (looks_like_path(value) or is_model_file(value)):
                hub = "file"
            elif hub == "api" and base is not None and ollama_url(base.value):
                hub = "ollama"
            extra = "; base URL set at run time" if t is not None and t.base_set else ""
            self.finds.append(Find(s, site_row(site, s), provider, hub, base, "high",
                                   note + extra,
                                   3 if t is not None else 2, canonical, revision))


def site_row(site: Node, s: Str) -> int:
    """The row of the call a literal flows into; the literal's own row when it is written inside the call."""
    inside = site.start_point <= (s.row, s.bcol) <= site.end_point
    return s.row if inside else site.start_point.row


def _split_route(value: str, route: str, hint: str | None) -> tuple[str | None, str]:
    """Provider and model of `openai:gpt-4o` (LangChain, registries) or `openai/gpt-4o` (AI Gateway)."""
    sep = "/" if route == "gateway" else ":"
    prefix, found, model = value.partition(sep)
    if route == "langchain":
        if found and prefix in LANGCHAIN_PREFIXES:
            return LANGCHAIN_PREFIXES[prefix], model
        low = value.lower()
        inferred = hint or next((p for start, p in LANGCHAIN_INFER if low.startswith(start)), None)
        return (LANGCHAIN_PREFIXES.get(inferred) if inferred else None), value
    if route == "registry" and found:
        return AI_SDK_PREFIXES.get(prefix), model
    if route == "gateway" and found:
        return None, model
    return None, value


def _returns(fn: Node) -> list[Node]:
    """The expressions a function returns (not those of functions nested in it)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    out: list[Node] = []
    stack = list(body.named_children)
    while stack and len(out) < 8:
        n = stack.pop()
        if n.type == "return_statement":
            out.extend(c for c in n.named_children if c.type != "comment")
        elif n.type not in FUNCTIONS and n.type != "class_declaration":
            stack.extend(n.named_children)
    return out
