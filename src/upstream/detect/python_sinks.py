"""Calls into known model APIs: which literal reaches the model argument, and which endpoint serves it.

Each recorded call is matched against the catalog (constructors and functions), `X.from_pretrained`,
SDK module functions, methods of a traced client (python_clients), and finally client method chains
distinctive enough to name an LLM API on their own (`.chat.completions.create`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from upstream.detect.identifiers import hf_id_from_url, is_model_file, is_plausible, looks_like_path
from upstream.detect.python_catalog import (
    API_SHAPES,
    FROM_PRETRAINED,
    FROM_PRETRAINED_KW,
    Api,
    family_of,
    module_api,
)
from upstream.detect.python_clients import Clients, azure_resource, kw_const, kw_const_str, kwarg, ollama_url
from upstream.detect.python_facts import Facts, Scope
from upstream.detect.python_flow import Flow, Origin
from upstream.detect.python_routes import route
from upstream.evidence import Confidence, Hub

_DATASET_CALLS = frozenset({"load_dataset", "load_from_hub"})


@dataclass(slots=True)
class Hit:
    """A literal found to be a model reference, with what the code says about it."""

    origin: Origin
    confidence: Confidence
    provider: str | None = None
    base_url: str | None = None
    hub: Hub | None = None
    revision: str | None = None
    canonical: str | None = None
    related: list[tuple[int, str]] = field(default_factory=list)
    note: str | None = None


@dataclass(slots=True)
class Sink:
    """An expression handed to a model argument, with the call it goes to and the hits found through it."""

    expr: ast.expr
    scope: Scope
    call: ast.Call | None = None  # None: a model-named keyword or key outside the known APIs
    label: str = ""
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Ctx:
    label: str
    line: int
    provider: str | None
    base_url: str | None
    hub: Hub | None
    api: Api
    revision: str | None = None
    provider_kw: str | None = None
    note: str | None = None
    client_line: int | None = None


class Sinks:
    """Run every recorded call through the catalog; collect hits, endpoints and handled calls."""

    def __init__(self, facts: Facts, flow: Flow) -> None:
        self.facts, self.flow = facts, flow
        self.hits: list[Hit] = []
        self.handled: set[int] = set()
        self.suppressed: set[int] = set()  # literals that reach a dataset loader
        self.args: list[Sink] = []  # model arguments of the calls handled
        self.clients = Clients(facts, flow)

    def run(self) -> None:
        for call, scope in self.facts.calls:
            if self._call(call, scope):
                self.handled.add(id(call))

    # ------------------------------------------------------------------ dispatch

    def _call(self, call: ast.Call, scope: Scope) -> bool:
        func = call.func
        q = self.flow.qualify(func, scope)
        name = q.rsplit(".", 1)[-1] if q else func.attr if isinstance(func, ast.Attribute) else ""
        if name in _DATASET_CALLS or kw_const(call, "repo_type") in ("dataset", "space"):
            for arg in [*call.args[:1], *(k.value for k in call.keywords if k.arg in ("path", "repo_id"))]:
                self.suppressed.update(id(o.node) for o in self.flow.strings(arg, scope))
            return True
        api, q = self.clients.api_for(q, func, scope)
        if api is not None:
            self._api_call(call, scope, api, q or "")
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("from_pretrained", "from_single_file"):
            self._from_pretrained(call, scope, func)
            return True
        mod = module_api(q) if q else None
        if mod is not None:
            fam, mapi = mod
            base, note = self.clients.module_base(fam, call, scope, mapi)
            self._models(call, scope, mapi, _Ctx(q or fam, call.lineno, None if note else mapi.provider, base,
                                                 mapi.hub, mapi, note=note), method=name)
            return True
        if isinstance(func, ast.Attribute):
            client = self.clients.receiver(func.value, scope)
            if client is not None:
                api = client.api
                self._models(call, scope, Api(api.provider, hub=api.hub, model_kw=api.method_kw,
                                              pos_methods=api.pos_methods, model_pos=0 if api.pos_methods else None),
                             _Ctx(_label(func), call.lineno, client.provider, client.base_url, api.hub, api,
                                  note=client.note, client_line=client.line), method=func.attr)
                return True
            if _shape(func):
                self._models(call, scope, Api(None), _Ctx(_label(func), call.lineno, None, None, "api", Api(None)))
                return True
        return False

    def _api_call(self, call: ast.Call, scope: Scope, api: Api, q: str) -> None:
        provider = api.provider
        if q.startswith("google.genai") and kw_const(call, "vertexai") is True:
            provider = "vertexai"
        base, note = self.clients.base(call, scope, api)
        for kw in api.client_kw:
            value = kwarg(call, kw)
            inner = self.clients.client_of(value, scope) if value is not None else None
            if inner is not None:
                provider, base, note = inner.provider or provider, inner.base_url, inner.note
        if note and api.hub == "api" and not azure_resource(call, provider):
            provider = None
        ctx = _Ctx(q.rsplit(".", 1)[-1], call.lineno, provider, base, api.hub, api,
                   revision=self._first(call, "revision", scope), provider_kw=kw_const_str(call, "model_provider"),
                   note=note or self._note_kw(call, api))
        self._models(call, scope, api, ctx)

    def _from_pretrained(self, call: ast.Call, scope: Scope, func: ast.Attribute) -> None:
        q = self.flow.qualify(func.value, scope) or ""
        parts = q.split(".")
        fam = family_of(parts) if q and parts[0] not in ("?", "<local>") else ""
        provider, hub = FROM_PRETRAINED.get(fam, ("transformers", "huggingface"))
        peft = parts[-1].startswith("PeftModel")
        api = Api(provider, hub=hub, model_kw=("model_id",) if peft else FROM_PRETRAINED_KW,
                  model_pos=1 if peft else 0)
        ctx = _Ctx(f"{parts[-1] or 'model'}.{func.attr}", call.lineno, provider, None, hub, api,
                   revision=self._first(call, "revision", scope))
        self._models(call, scope, api, ctx)

    # ------------------------------------------------------------------ model arguments

    def _models(self, call: ast.Call, scope: Scope, api: Api, ctx: _Ctx, method: str | None = None) -> None:
        exprs = [k.value for k in call.keywords if k.arg in api.model_kw]
        exprs.extend(v for _, v in self.clients.splatted(call, scope, api.model_kw))
        pos_ok = not api.pos_methods or method in api.pos_methods
        if api.model_pos is not None and pos_ok and len(call.args) > api.model_pos and not any(
                isinstance(a, ast.Starred) for a in call.args[:api.model_pos + 1]):
            exprs.append(call.args[api.model_pos])
        for expr in exprs:
            sink = Sink(expr, scope, call, ctx.label)
            self.args.append(sink)
            for origin in self.flow.strings(expr, scope):
                hit = self._hit(origin, ctx)
                if hit is not None:
                    self.hits.append(hit)
                    sink.hits.append(hit)

    def _hit(self, origin: Origin, ctx: _Ctx) -> Hit | None:
        value = origin.value.strip()
        hub, provider, canonical = ctx.hub, ctx.provider, None
        if ctx.api.route is not None:
            routed = route(ctx.api.route, value, ctx.provider_kw)
            provider, canonical, hub = routed.provider, routed.canonical, routed.hub
        if hub == "huggingface":
            url_id = hf_id_from_url(value)
            if url_id:
                canonical = url_id
            elif looks_like_path(value) or is_model_file(value):
                hub = "file"
            elif not _weights_like(value):
                return None
            elif "/" not in value and (provider or "").endswith("sentence-transformers"):
                canonical = f"sentence-transformers/{value}"  # the library's own short names
        elif hub == "api" and ollama_url(ctx.base_url):
            hub = "ollama"
        elif hub == "api" and provider in ("google-genai", "vertexai") and "models/" in value:
            canonical = value.rsplit("models/", 1)[1]  # `models/gemini-1.5-pro`, `publishers/google/models/...`
        if ctx.api.file_only and not (is_model_file(value) or looks_like_path(value)):
            return None
        checked = canonical if ctx.api.route is not None and canonical else value
        if not is_plausible(checked, "strong") or (hub == "file" and not _file_like(value)):
            return None
        related = [] if origin.node.lineno == ctx.line else [(ctx.line, f"used by {ctx.label}()")]
        if ctx.client_line and ctx.base_url and ctx.client_line not in (ctx.line, origin.node.lineno):
            related.append((ctx.client_line, "client built here"))
        return Hit(origin, "high", provider, ctx.base_url, hub, ctx.revision, canonical, related,
                   origin.note or ctx.note)

    def _first(self, call: ast.Call, kw: str, scope: Scope) -> str | None:
        expr = kwarg(call, kw)
        values = self.flow.strings(expr, scope) if expr is not None else []
        return values[0].value if values else None

    def _note_kw(self, call: ast.Call, api: Api) -> str | None:
        if api.note_kw:
            value = kw_const_str(call, api.note_kw)
            if value:
                return f"{api.note_kw}={value}"
        return None


def _label(func: ast.Attribute) -> str:
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute) and len(parts) < 4:
        parts.append(node.attr)
        node = node.value
    return ".".join(reversed(parts))


def _shape(func: ast.Attribute) -> bool:
    chain = tuple(_label(func).split("."))
    return any(chain[-len(s):] == s for s in API_SHAPES)


def _weights_like(value: str) -> bool:
    """A hub id or local checkpoint, not a bare word such as `output` handed to from_pretrained."""
    return "/" in value or "-" in value or any(c.isdigit() for c in value) or value.lower() in (
        "xlnet", "camembert", "flaubert")


def _file_like(value: str) -> bool:
    return is_model_file(value) or looks_like_path(value) or "/" in value or "." in value or "-" in value
