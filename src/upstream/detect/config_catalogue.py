"""Model catalogues in agent and gateway configs, and the providers they belong to.

opencode, OpenClaw, Crush, Zed, aichat and gateway configs list the models each provider serves:
`models: [{id: gpt-4o, name: GPT-4o, ...}]`, `models: {gpt-4o: {name: ...}}`, or `[{name: llama3.1}]`.
Such a provider has a base URL (`baseUrl`, `options.baseURL`, `api_base`) and a name, which other keys
use as a prefix: `homelab/qwen2.5-coder:14b` (opencode) or `local:qwen2.5-7b` (aichat). This module
finds the ids, the base URLs and the named providers; the config walker reports them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upstream.detect.config_formats import scalar_text
from upstream.detect.config_keys import (
    NOT_AI_SIBLINGS,
    endpoint_key_strength,
    is_url,
    norm_key,
    provider_from_name,
    strong_shape,
    unwrap,
)
from upstream.detect.config_tree import Map, Node, Scalar, Seq

_UPPER_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# A provider's connection settings kept in a sub-mapping (opencode `options`, mem0 `config`).
_OPTION_KEYS = frozenset({"options", "config", "settings", "client", "connection", "api", "params"})
# Keys of a catalogue entry that hold the model id, in order of preference.
_ID_KEYS = ("id", "model", "model_id", "model_name", "slug")
_DISPLAY_KEYS = frozenset({"display_name", "displayname", "title", "label", "description"})


@dataclass(frozen=True, slots=True)
class NamedProvider:
    """A provider a document defines under its own name: what it is (if known) and its base URL."""

    provider: str | None
    base_url: str | None


def map_endpoints(m: Map) -> list[tuple[str, str, str, int]]:
    """(key, URL, strength, line) of the endpoint keys of one mapping (`base_url`, `apiBase`, `host`...)."""
    out: list[tuple[str, str, str, int]] = []
    for key, _, value in m.entries:
        if not isinstance(value, Scalar) or value.tag != "str" or _UPPER_RE.match(key):
            continue
        strength = endpoint_key_strength(norm_key(key))
        url = unwrap(value.value) if strength else None
        if strength and url and is_url(url):
            out.append((key, url, strength, value.line))
    return out


def catalogue_url(m: Map, base_url: str | None) -> tuple[str | None, bool]:
    """A provider mapping's base URL (`base_url` if already known, else one level down, as opencode's
    `options: {baseURL: ...}`), and whether it has a base-URL key at all (a `${VAR}` value counts)."""
    maps = [m] + [v for k, _, v in m.entries if norm_key(k) in _OPTION_KEYS and isinstance(v, Map)]
    has_key = any(isinstance(v, Scalar) and endpoint_key_strength(norm_key(k)) in ("strong", "base")
                  for sub in maps for k, _, v in sub.entries)
    if base_url:
        return base_url, True
    for sub in maps[1:]:
        found = map_endpoints(sub)
        url = next((u for _, u, s, _ in found if s != "weak"), None) or next((u for _, u, _, _ in found), None)
        if url:
            return url, True
    return None, has_key


def entry_id(item: Map, tied: bool) -> Scalar | None:
    """The id of one entry of a model list (`{id: gpt-4o, name: GPT-4o}`), or None.

    Without an id key, `name` is the id (aichat; Zed beside a `display_name`). A list that belongs to
    no provider (`tied` False) counts only when its ids plainly look like models and nothing marks it
    as a product or device list.
    """
    keys = {norm_key(k): v for k, _, v in item.entries}
    node = next((v for k in _ID_KEYS if isinstance(v := keys.get(k), Scalar)), None)
    name = keys.get("name")
    if node is None and isinstance(name, Scalar) and (tied or keys.keys() & _DISPLAY_KEYS or strong_shape(name.value)):
        node = name
    if node is None or node.tag != "str":
        return None
    if not tied and (keys.keys() & NOT_AI_SIBLINGS or not strong_shape(node.value)):
        return None
    return node


def keyed_ids(models: Map) -> list[Scalar]:
    """The ids of a model map keyed by id (`models: {gpt-4o: {name: GPT-4o}, llama3.2:3b: {}}`), at their keys."""
    return [Scalar(key, kline, kline) for key, kline, value in models.entries
            if isinstance(value, Map) or (isinstance(value, Scalar) and value.tag == "null")]


def named_providers(root: Node) -> dict[str, NamedProvider]:
    """Providers the document defines by name: `provider: {lan: {...}}` (opencode), `models.providers`
    (OpenClaw), `clients: [{name: local, api_base: ...}]` (aichat)."""
    out: dict[str, NamedProvider] = {}
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Map) or depth > 3:
            continue
        for key, _, value in node.entries:
            nk = norm_key(key)
            if nk in ("provider", "providers") and isinstance(value, Map):
                for name, _, conf in value.entries:
                    if isinstance(conf, Map):
                        _add(out, name, conf)
            elif nk in ("providers", "clients", "endpoints") and isinstance(value, Seq):
                for conf in value.items:
                    name_node = conf.get("name") if isinstance(conf, Map) else None
                    if isinstance(conf, Map) and isinstance(name_node, Scalar) and name_node.value:
                        _add(out, name_node.value, conf)
            elif isinstance(value, Map):
                stack.append((value, depth + 1))
    return out


def _add(out: dict[str, NamedProvider], name: str, conf: Map) -> None:
    if "/" in name or ":" in name or " " in name:
        return
    url = next((u for _, u, _, _ in map_endpoints(conf)), None) or catalogue_url(conf, None)[0]
    kind = scalar_text(conf.get("type")) or scalar_text(conf.get("provider"))
    out[name] = NamedProvider(provider_from_name(name) or (provider_from_name(kind) if kind else None), url)


def split_named(value: str, named: dict[str, NamedProvider]) -> tuple[str, str] | None:
    """(`lan`, `qwen2.5-coder:14b`) for `lan/qwen2.5-coder:14b` or `lan:qwen2.5-coder:14b` when the document
    defines a provider `lan`; the file's own provider wins over a LiteLLM prefix of the same name."""
    if not named:
        return None
    for sep in ("/", ":"):
        prefix, found, rest = value.partition(sep)
        if found and rest and prefix in named:
            return prefix, rest
    return None
