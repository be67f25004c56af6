"""Where a model call's client comes from, and which endpoint it talks to.

Clients are followed from where they are built to where they are used: a variable, `self.client`
set in `__init__`, a module-level client, a factory function's return, a wrapper
(`instructor.from_openai(client)`), a parameter whose callers pass one, or a module subclass of a
known class. Base URLs are resolved to their literal (constants, getenv defaults, `**options`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from upstream.detect.python_catalog import MODULE_BASE_ATTRS, Api, family_of, lookup
from upstream.detect.python_facts import Facts, Scope, const_str, dotted_name
from upstream.detect.python_flow import Flow, Origin, env_var

_BEDROCK = Api("bedrock", client=True, method_kw=("modelId", "model_id"), base_kw=("endpoint_url",))
_WRAPPER_HINTS = ("from_", "wrap", "patch", "instrument", "observe", "trace")
_SAME_CLIENT = frozenset({"with_options", "with_raw_response", "with_streaming_response", "copy", "aio", "beta"})
# The environment variables an SDK reads its base URL from itself: passing them on changes nothing.
_STD_BASE_ENV: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"), "azure-openai": ("AZURE_OPENAI_ENDPOINT", "OPENAI_API_BASE"),
    "anthropic": ("ANTHROPIC_BASE_URL",), "ollama": ("OLLAMA_HOST", "OLLAMA_BASE_URL"),
}
_HOST_PORT = re.compile(r"^[\w.-]+:\d+(?:/|$)")


@dataclass(frozen=True, slots=True)
class Client:
    api: Api
    provider: str | None
    base_url: str | None
    line: int
    note: str | None = None


def is_url(value: str) -> bool:
    return "://" in value or value.startswith(("localhost", "127.0.0.1", "0.0.0.0")) or bool(_HOST_PORT.match(value))


def ollama_url(url: str | None) -> bool:
    return bool(url) and (":11434" in (url or "") or "ollama" in (url or "").lower())


class Clients:
    """Client and base-URL resolution over one module; collects the endpoint literals it resolves."""

    def __init__(self, facts: Facts, flow: Flow) -> None:
        self.facts, self.flow = facts, flow
        self.endpoints: list[tuple[Origin, str | None]] = []
        self._clients: dict[int, Client | None] = {}
        self._module_bases: dict[str, list[tuple[ast.expr, Scope]]] | None = None

    def api_for(self, q: str | None, func: ast.expr, scope: Scope) -> tuple[Api | None, str | None]:
        """The catalog entry of a callable, also for module classes that subclass a known API
        (`class DeepSeekLLM(ChatOpenAI)`) and for `super().__init__(...)` inside them."""
        if q:
            api = lookup(q)
            if api is not None:
                return api, q
            if q.startswith("<local>.") and q.count(".") == 1:
                api, base = self._local_api(q[8:], 0)
                if api is not None and self._overrides_init(q[8:]):
                    api = replace(api, provider=None)  # its __init__ may move it to another endpoint
                return api, base
        if (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"
                and scope.func is not None and scope.func.cls is not None):
            return self._local_api(scope.func.cls.name, 0)
        return None, q

    def _overrides_init(self, name: str) -> bool:
        return any("__init__" in cls.methods for cls in self.facts.classes.get(name, [])[:1])

    def _local_api(self, name: str, depth: int) -> tuple[Api | None, str | None]:
        for cls in self.facts.classes.get(name, [])[:1]:
            for base in cls.bases:
                bq = self.flow.qualify(base, self.facts.module)
                api = lookup(bq) if bq else None
                if api is not None:
                    return api, bq
                if bq and bq.startswith("<local>.") and bq.count(".") == 1 and depth < 4 and bq[8:] != name:
                    found = self._local_api(bq[8:], depth + 1)
                    if found[0] is not None:
                        return found
        return None, None


    def receiver(self, expr: ast.expr, scope: Scope) -> Client | None:
        """The client a method is called on: `client`, `self.client`, `OpenAI(...)`, `client.with_options()`."""
        node: ast.expr | None = expr
        for _ in range(12):
            if node is None:
                return None
            found = self.client_of(node, scope)
            if found is not None:
                return found
            if isinstance(node, ast.Attribute):
                node = node.value
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                node = node.func.value
            else:
                return None
        return None

    def client_of(self, expr: ast.expr, scope: Scope, depth: int = 0) -> Client | None:
        key = id(expr)
        if key in self._clients:
            return self._clients[key]
        self._clients[key] = None
        found = self._client_of(expr, scope, depth) if depth < 10 else None
        self._clients[key] = found
        return found

    def _client_of(self, expr: ast.expr, scope: Scope, depth: int) -> Client | None:
        flow = self.flow
        if isinstance(expr, ast.Call):
            func = expr.func
            api, q = self.api_for(flow.qualify(func, scope), func, scope)
            if api is not None and api.client:
                return self.make(expr, scope, api, q or "")
            service = (const_str(expr.args[0]) if expr.args else kw_const_str(expr, "service_name")) or ""
            if isinstance(func, ast.Attribute) and func.attr == "client" and service.startswith("bedrock"):
                base, note = self.base(expr, scope, _BEDROCK)
                return Client(_BEDROCK, "bedrock", base, expr.lineno, note)
            last = q.rsplit(".", 1)[-1] if q else func.attr if isinstance(func, ast.Attribute) else ""
            if expr.args and any(h in last.lower() for h in _WRAPPER_HINTS):
                inner = self.client_of(expr.args[0], scope, depth + 1)
                if inner is not None:
                    return inner
            if isinstance(func, ast.Attribute) and func.attr in _SAME_CLIENT:
                return self.client_of(func.value, scope, depth + 1)
            for fn in flow.called_functions(expr, scope, depth):
                for ret in fn.scope.returns:
                    inner = self.client_of(ret, fn.scope, depth + 1)
                    if inner is not None:
                        return inner
            return None
        pairs: list[tuple[ast.expr, Scope]] = []
        if isinstance(expr, ast.Name):
            values, param, found = flow.lookup_name(expr.id, scope)
            if found is not None:
                pairs = [(v, found) for v in values if isinstance(v, ast.expr)]
            if param is not None:
                if param.default is not None:
                    pairs.append((param.default, param.func.scope.parent or self.facts.module))
                for call, cscope, bound in flow.callers(param.func):
                    arg = next((k.value for k in call.keywords if k.arg == param.name), None)
                    idx = param.index - (1 if bound else 0)
                    if arg is None and 0 <= idx < len(call.args):
                        arg = call.args[idx]
                    if arg is not None:
                        pairs.append((arg, cscope))
        elif isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Attribute | ast.Name | ast.Call) and expr.attr in _SAME_CLIENT:
                inner = self.client_of(expr.value, scope, depth + 1)
                if inner is not None:
                    return inner
            owner = flow.class_of(expr.value, scope, depth)
            if owner is not None:
                pairs = [(v, s) for v, s in flow.class_attrs(owner, expr.attr) if isinstance(v, ast.expr)]
                prop = owner.methods.get(expr.attr)  # a @property / @cached_property that builds the client
                if prop is not None:
                    pairs.extend((r, prop.scope) for r in prop.scope.returns)
            else:
                dotted = dotted_name(expr)
                pairs = list(self.facts.dotted.get(dotted, ())) if dotted else []
        for value, s in pairs:
            inner = self.client_of(value, s, depth + 1)
            if inner is not None:
                return inner
        return None

    def make(self, call: ast.Call, scope: Scope, api: Api, q: str) -> Client:
        provider = api.provider
        if q.startswith("google.genai") and kw_const(call, "vertexai") is True:
            provider = "vertexai"
        base, note = self.base(call, scope, api)
        if note and api.hub == "api" and not azure_resource(call, provider):
            provider = None
        return Client(api, provider, base, call.lineno, note)

    def splatted(self, call: ast.Call, scope: Scope, names: tuple[str, ...]) -> list[tuple[str, ast.expr]]:
        """Entries named `names` of dict literals passed as `**options`."""
        out: list[tuple[str, ast.expr]] = []
        for k in call.keywords:
            if k.arg is None:
                for c in self.flow.containers(k.value, scope):
                    if isinstance(c, ast.Dict):
                        out.extend((key, v) for key, v in ((const_str(kn), v) for kn, v in zip(
                            c.keys, c.values, strict=True)) if key in names)
        return out

    def base(self, call: ast.Call, scope: Scope, api: Api) -> tuple[str | None, str | None]:
        """The base URL a call sets (resolved), or a note when it is set at runtime."""
        splat = dict(self.splatted(call, scope, api.base_kw)) if api.base_kw else {}
        if api.base_kw and not splat and not any(k.arg in api.base_kw for k in call.keywords) and any(
                k.arg is None for k in call.keywords):
            return None, "client options passed as **kwargs"
        for kw in api.base_kw:
            expr = kwarg(call, kw) or splat.get(kw)
            if expr is None:
                continue
            if isinstance(expr, ast.Constant) and expr.value is None:
                continue
            for origin in self.flow.strings(expr, scope):
                if is_url(origin.value):
                    self.endpoints.append((origin, api.provider))
                    return origin.value, None
            if self._sdk_default(expr, scope, api.provider):
                continue
            var = env_var(expr)
            return None, f"base URL from environment variable {var}" if var else "base URL set at runtime"
        for var in api.env_base:
            for value, s in self.facts.env_sets.get(var, ()):
                for origin in self.flow.strings(value, s):
                    if is_url(origin.value):
                        self.endpoints.append((origin, api.provider))
                        return origin.value, None
        return None, None

    def _sdk_default(self, expr: ast.expr, scope: Scope, provider: str | None) -> bool:
        """Whether a base URL argument leaves the SDK default in place: None, or the SDK's own variable."""
        std = _STD_BASE_ENV.get((provider or "").rsplit("/", 1)[-1], ())
        todo: list[tuple[ast.expr, Scope]] = [(expr, scope)]
        for _ in range(16):
            if not todo:
                return True
            e, s = todo.pop()
            if isinstance(e, ast.Constant) and e.value is None:
                continue
            var = env_var(e)
            if var is not None:
                default = kwarg(e, "default") if isinstance(e, ast.Call) else None
                if default is None and isinstance(e, ast.Call) and len(e.args) > 1:
                    default = e.args[1]
                if var in std and (default is None or (isinstance(default, ast.Constant) and default.value is None)):
                    continue
                return False
            if isinstance(e, ast.BoolOp):
                todo.extend((v, s) for v in e.values)
                continue
            if not isinstance(e, ast.Name):
                return False
            values, param, found = self.flow.lookup_name(e.id, s)
            items = [v for v in values if isinstance(v, ast.expr)]
            if found is None or len(items) != len(values) or (param is not None and param.default is None):
                return False
            if param is not None and param.default is not None:
                items.append(param.default)
            todo.extend((v, found) for v in items)
        return False

    def module_base(self, fam: str, call: ast.Call, scope: Scope, api: Api) -> tuple[str | None, str | None]:
        base, note = self.base(call, scope, api)
        if base or note:
            return base, note
        if self._module_bases is None:
            self._module_bases = {}
            for dotted, values in self.facts.dotted.items():
                head, _, attr = dotted.rpartition(".")
                root, *rest = head.split(".") if head else [""]
                q = self.facts.imports.get(root)
                if q and attr in MODULE_BASE_ATTRS:
                    full = ".".join([q, *rest])
                    self._module_bases.setdefault(family_of(full.split(".")), []).extend(values)
        for value, s in self._module_bases.get(fam, ()):
            for origin in self.flow.strings(value, s):
                if is_url(origin.value):
                    self.endpoints.append((origin, api.provider))
                    return origin.value, None
        return None, None


def azure_resource(call: ast.Call, provider: str | None) -> bool:
    """An Azure OpenAI client given its resource endpoint (`azure_endpoint=`): Azure, wherever the value comes from."""
    return (provider or "").endswith("azure-openai") and kwarg(call, "azure_endpoint") is not None


def kwarg(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def kw_const(call: ast.Call, name: str) -> object:
    v = kwarg(call, name)
    return v.value if isinstance(v, ast.Constant) else None


def kw_const_str(call: ast.Call, name: str) -> str | None:
    return const_str(kwarg(call, name))
