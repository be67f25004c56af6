"""Walk a configuration tree and report the models and endpoints its keys select.

One mapping is judged at a time: its model keys, its endpoint keys (a model and a base URL in the
same mapping are tied), its provider key, its upper-case environment settings, its container or CI
commands, and its nested model sections (`model: {name: ..., revision: ...}`). LiteLLM proxy
`model_list` entries and promptfoo `providers` lists have their own readers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from upstream.detect import Detection
from upstream.detect.config_catalogue import (
    NamedProvider,
    catalogue_url,
    entry_id,
    keyed_ids,
    map_endpoints,
    named_providers,
    split_named,
)
from upstream.detect.config_commands import Assignment, detect_command_line, split_words
from upstream.detect.config_env import EnvVar, env_detections, prefix_provider
from upstream.detect.config_formats import litellm_models, promptfoo_models, scalar_text
from upstream.detect.config_keys import (
    AI_SIBLINGS,
    NOT_AI_SIBLINGS,
    PROVIDER_KEYS,
    SECTION_MODEL_KEYS,
    STRONG_AI_WORDS,
    endpoint_detection,
    endpoint_key_strength,
    is_ai_word,
    is_generic_model_key,
    is_model_key,
    is_model_list_key,
    is_model_section_key,
    is_url,
    key_parts,
    model_detection,
    norm_key,
    plausible_model,
    provider_from_name,
    strong_shape,
    unwrap,
)
from upstream.detect.config_script import scan_script
from upstream.detect.config_tools import image_tool
from upstream.detect.config_tree import MAX_DEPTH, MAX_NODES, Map, Node, Scalar, Seq
from upstream.detect.identifiers import canonical_id, guess_hub, is_plausible
from upstream.evidence import EvidenceKind

_SCRIPT_KEYS = frozenset({"run", "script", "before_script", "after_script", "commands", "cmds", "exec",
                          "start_command", "scripts", "pre_start", "post_start", "setup"})
_COMMAND_KEYS = frozenset({"command", "cmd", "entrypoint", "args", "extra_args", "server_args"})
# Label and selector maps: their values name things for humans and schedulers, not models to run.
_SKIP_SUBTREES = frozenset({"labels", "annotations", "match_labels", "match_expressions", "node_selector",
                            "selector", "tags", "tolerations", "affinity", "pod_labels", "pod_annotations",
                            "common_labels"})
_ENV_KEYS = frozenset({"env", "environment", "envs", "env_vars", "environment_variables", "extra_env"})
_LIST_SUBKEYS = frozenset({"default", "list", "available", "supported", "enabled", "allowed", "names", "pull",
                           "run", "preload", "download", "fallbacks", "fallback"})
# Mapping names that say which operator serves what is inside (`openai: {...}`, `[ollama]`); family
# names (`qwen`, `deepseek`, `mistral`) are left out: a `qwen:` section often describes local weights.
_SECTION_PROVIDERS = frozenset({
    "openai", "azure_openai", "azureopenai", "anthropic", "ollama", "dashscope", "tongyi", "zhipuai", "bigmodel",
    "moonshot", "together", "together_ai", "togetherai", "fireworks", "openrouter", "groq", "cohere", "bedrock",
    "vertex", "vertexai", "vertex_ai", "xai", "lmstudio", "lm_studio", "google_genai", "mistralai",
})
_UPPER_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(slots=True)
class _Scope:
    path: tuple[str, ...]
    endpoint: str | None = None  # set by an enclosing provider or LLM mapping (`openai: {base-url: ...}`)
    section: bool = False  # a mapping that describes one model (`model: {name: ...}`)
    provider: str | None = None  # set by an enclosing `provider:` key or provider-named mapping


class ConfigWalker:
    """Collects detections from one document tree; `lines` are the file's lines (for snippets)."""

    def __init__(self, lines: list[str], kind: EvidenceKind = "config", detector: str = "config") -> None:
        self.lines = lines
        self.kind: EvidenceKind = kind
        self.detector = detector
        self.out: list[Detection] = []
        self.visits = 0
        self.file_ai = False
        self.root: Map | None = None
        self.named: dict[str, NamedProvider] = {}

    def snip(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def run(self, root: Node) -> list[Detection]:
        self.root = root if isinstance(root, Map) else None
        self.file_ai = self._has_ai_keys(root, 0)
        self.named = named_providers(root)
        self._visit(root, _Scope(()), 0)
        return self.out

    def _has_ai_keys(self, node: Node, depth: int) -> bool:
        stack: list[tuple[Node, int]] = [(node, depth)]
        seen = 0
        while stack and seen < 5000:
            n, d = stack.pop()
            seen += 1
            if isinstance(n, Map) and d < MAX_DEPTH:
                for k, _, v in n.entries:
                    if STRONG_AI_WORDS.intersection(key_parts(norm_key(k))):
                        return True
                    stack.append((v, d + 1))
            elif isinstance(n, Seq) and d < MAX_DEPTH:
                stack.extend((c, d + 1) for c in n.items)
        return False

    # ------------------------------------------------------------------ traversal

    def _visit(self, node: Node, scope: _Scope, depth: int) -> None:
        self.visits += 1
        if depth > MAX_DEPTH or self.visits > MAX_NODES:
            return
        if isinstance(node, Map):
            self._map(node, scope, depth)
        elif isinstance(node, Seq):
            for item in node.items:
                self._visit(item, _Scope(scope.path, scope.endpoint, scope.section, scope.provider), depth + 1)

    def _map(self, m: Map, scope: _Scope, depth: int) -> None:
        keys = {norm_key(k) for k, _, _ in m.entries}
        if keys & NOT_AI_SIBLINGS:  # hardware inventories, ORM fixtures: look inside, report nothing here
            for key, _, value in m.entries:
                self._visit(value, _Scope((*scope.path, key)), depth + 1)
            return
        near_ai = bool((keys - {"base_url", "api_base"}) & AI_SIBLINGS) or any(
            is_ai_word(norm_key(p)) for p in scope.path[-3:])
        ai = near_ai or self.file_ai
        provider, provider_url, explicit = self._provider(m, scope)
        endpoints = map_endpoints(m)
        tie = next((u for _, u, s, _ in endpoints if s != "weak"), None) or next(
            (u for _, u, s, _ in endpoints if s == "weak" and ai), None) or provider_url
        base_url = tie or scope.endpoint
        scoped = explicit or bool(scope.path and is_ai_word(norm_key(scope.path[-1])))
        inner = _Scope((), (tie if scoped else None) or scope.endpoint, False, provider if explicit else scope.provider)
        revision = scalar_text(m.get("revision")) or scalar_text(m.get("model_revision"))
        consumed: set[int] = set()
        reported = 0
        env: list[EnvVar] = []
        image = _image(m)
        for idx, (key, _, value) in enumerate(m.entries):
            nk = norm_key(key)
            if nk == "model_list" and isinstance(value, Seq):
                self.out.extend(litellm_models(value, self.lines, self.kind, self.detector))
                consumed.add(idx)
            elif nk in ("providers", "provider") and (found := promptfoo_models(value, self.lines, self.kind,
                                                                               self.detector)):
                self.out.extend(found)
                consumed.add(idx)
            elif _UPPER_RE.match(key) and isinstance(value, Scalar) and nk not in PROVIDER_KEYS:
                env.append(EnvVar(key, value.value, value.line, self.snip(value.line)))
            elif nk in _ENV_KEYS and isinstance(value, Map | Seq):
                self._env_block(value, image, scope)
                consumed.add(idx)
            elif nk in _SKIP_SUBTREES:
                consumed.add(idx)
            elif scope.section and nk in _LIST_SUBKEYS and isinstance(value, Seq):
                for item in value.items:
                    if isinstance(item, Scalar):
                        reported += self._model(item, "model", scope, True, provider, base_url, revision)
            elif _is_script_key(nk) and (isinstance(value, Scalar) or nk == "scripts" or (
                    isinstance(value, Seq) and all(isinstance(i, Scalar) for i in value.items))):
                self._scripts(value)
                consumed.add(idx)
            elif nk in _COMMAND_KEYS and isinstance(value, Scalar | Seq):
                consumed.add(idx)
            elif self._is_model_entry(nk, scope) and isinstance(value, Scalar):
                reported += self._model(value, nk, scope, ai, provider, base_url, revision)
            elif (is_model_key(nk) or is_model_list_key(nk)) and isinstance(value, Seq):
                cat_url, has_url = catalogue_url(m, base_url)
                tied = has_url or provider is not None
                for item in value.items:
                    if isinstance(item, Scalar):
                        reported += self._model(item, nk, scope, ai, provider, base_url, revision)
                    elif isinstance(item, Map) and is_model_list_key(nk) and (node := entry_id(item, tied)):
                        reported += self._model(node, "model", scope, ai or tied, provider, cat_url, None)
            elif (is_model_section_key(nk) or is_model_list_key(nk)) and isinstance(value, Map):
                cat_url, has_url = catalogue_url(m, base_url)
                if is_model_list_key(nk) and (has_url or explicit):
                    for node in keyed_ids(value):
                        reported += self._model(node, "model", scope, True, provider, cat_url, None)
                self._visit(value, _Scope((*scope.path, key), base_url, True, inner.provider), depth + 1)
                consumed.add(idx)
                reported += 1 if base_url else 0
        if any(norm_key(k) in _COMMAND_KEYS and isinstance(v, Scalar | Seq) for k, _, v in m.entries):
            self._container_command(m, image)
        if env:
            self.out.extend(env_detections(env, kind=self.kind, detector=self.detector, ai_context=ai))
        if not reported:
            for _, url, strength, line in endpoints:
                if strength == "strong" or (strength == "base" and near_ai) or (
                        strength == "weak" and any(is_ai_word(norm_key(p)) for p in scope.path[-1:])):
                    self.out.append(endpoint_detection(url, line, kind=self.kind, detector=self.detector,
                                                       snippet=self.snip(line)))
        for idx, (key, _, value) in enumerate(m.entries):
            if idx not in consumed and isinstance(value, Map | Seq):
                self._visit(value, _Scope((*scope.path, key), inner.endpoint, False, inner.provider), depth + 1)

    def _is_model_entry(self, nk: str, scope: _Scope) -> bool:
        return is_model_key(nk) or (scope.section and nk in SECTION_MODEL_KEYS)

    # ------------------------------------------------------------------ pieces of one mapping

    def _provider(self, m: Map, scope: _Scope) -> tuple[str | None, str | None, bool]:
        """(provider, base URL of a provider table, whether this mapping itself says it)."""
        for key, _, value in m.entries:
            nk = norm_key(key)
            if nk in PROVIDER_KEYS and isinstance(value, Scalar) and value.tag == "str":
                name = value.value.strip()
                url = self._provider_table_url(name) if nk == "model_provider" else None
                prov = provider_from_name(name)
                if prov or url:
                    return prov, url, True
        if scope.path:
            words = [norm_key(scope.path[-1]), *key_parts(norm_key(scope.path[-1]))]
            prov = next((provider_from_name(w) for w in words if w in _SECTION_PROVIDERS), None)
            if prov:
                return prov, None, True
        return scope.provider, None, False

    def _provider_table_url(self, name: str) -> str | None:
        table = self.root.get("model_providers") if self.root else None
        entry = table.get(name) if isinstance(table, Map) else None
        if isinstance(entry, Map):
            for key, _, v in entry.entries:
                if endpoint_key_strength(norm_key(key)) and isinstance(v, Scalar):
                    url = unwrap(v.value)
                    if url and is_url(url):
                        return url
        return None

    def _model(self, node: Scalar, nk: str, scope: _Scope, ai: bool, provider: str | None,
               base_url: str | None, revision: str | None) -> int:
        if node.tag != "str":
            return 0
        value = unwrap(node.value)
        if not value:
            return 0
        named = split_named(value, self.named)
        if named is not None:
            return self._named_model(node, value, *named)
        if provider is None and nk.endswith(("deployment", "deployment_name")):
            provider = "azure-openai"
        provider = provider or prefix_provider(key_parts(nk)[:-1])
        generic = is_generic_model_key(nk) or (scope.section and nk in SECTION_MODEL_KEYS - {"model"})
        key_ai = ai or bool(STRONG_AI_WORDS.intersection(key_parts(nk)))
        if not plausible_model(value, generic=generic, ai_context=key_ai or provider is not None,
                               bare_ok=provider == "ollama"):
            return 0
        self.out.append(model_detection(
            value, node.line, kind=self.kind, detector=self.detector, snippet=self.snip(node.line),
            provider=provider, base_url=base_url, hub="ollama" if provider == "ollama" else None,
            confidence="high" if strong_shape(value) and (ai or provider) else "medium", revision=revision,
        ))
        return 1

    def _named_model(self, node: Scalar, value: str, prefix: str, rest: str) -> int:
        """`lan/qwen2.5-coder:14b`: a model of a provider this document defines by name."""
        provider, url = self.named[prefix].provider, self.named[prefix].base_url
        if not is_plausible(rest, "keyed") and not strong_shape(rest):
            return 0
        hub = "ollama" if provider == "ollama" else guess_hub(rest)
        d = model_detection(value, node.line, kind=self.kind, detector=self.detector, snippet=self.snip(node.line),
                            provider=provider, base_url=url, hub=hub, confidence="high", route=False,
                            note=f"model {rest!r} of the provider {prefix!r} defined in this file")
        self.out.append(replace(d, canonical=canonical_id(rest, hub)))
        return 1

    def _env_block(self, value: Map | Seq, image: str | None, scope: _Scope) -> None:
        env: list[EnvVar] = []
        if isinstance(value, Map):
            env = [EnvVar(k, v.value, v.line, self.snip(v.line)) for k, _, v in value.entries
                   if isinstance(v, Scalar)]
        else:
            for item in value.items:
                if isinstance(item, Scalar) and "=" in item.value:
                    k, _, v = item.value.partition("=")
                    env.append(EnvVar(k.strip(), v.strip(), item.line, self.snip(item.line)))
                elif isinstance(item, Map):
                    name, val = item.get("name"), item.get("value")
                    if isinstance(name, Scalar) and isinstance(val, Scalar):
                        env.append(EnvVar(name.value, val.value, val.line, self.snip(val.line)))
        tool = image_tool(image) if image else None
        self.out.extend(env_detections(env, kind=self.kind, detector=self.detector,
                                       provider=tool.provider if tool else None,
                                       ai_context=tool is not None or self.file_ai))

    def _scripts(self, value: Node) -> None:
        items = value.items if isinstance(value, Seq) else [v for _, _, v in value.entries] \
            if isinstance(value, Map) else [value]
        for item in items:
            if isinstance(item, Scalar) and item.tag == "str":
                self.out.extend(self._script(item))

    def _script(self, s: Scalar) -> list[Detection]:
        if s.style == "|":
            return scan_script(s.value, first_line=s.line + 1, kind=self.kind, detector=self.detector,
                               lines=self.lines)
        if s.end_line > s.line:
            words = split_words(s.value.replace("\n", " "))
            return detect_command_line(words, s.line, token_lines=self._word_lines(words, s),
                                       kind=self.kind, detector=self.detector, lines=self.lines)
        return scan_script(s.value, first_line=s.line, kind=self.kind, detector=self.detector, lines=self.lines)

    def _word_lines(self, words: list[str], s: Scalar) -> list[int]:
        out: list[int] = []
        cur = s.line
        for w in words:
            for n in range(cur, s.end_line + 1):
                if w in self.snip(n):
                    cur = n
                    break
            out.append(cur)
        return out

    def _container_command(self, m: Map, image: str | None) -> None:
        parts: dict[str, Node] = {norm_key(k): v for k, _, v in m.entries
                                  if norm_key(k) in _COMMAND_KEYS and isinstance(v, Scalar | Seq)}
        order = ["entrypoint", "command", "args"] if "args" in parts else ["entrypoint", "command"]
        order += ["cmd", "extra_args", "server_args"]
        words: list[str] = []
        lines: list[int] = []
        for key in order:
            node = parts.get(key)
            if isinstance(node, Seq):
                for item in node.items:
                    if isinstance(item, Scalar) and item.tag != "null":
                        words.append(item.value)
                        lines.append(item.line + 1 if item.style in ("|", ">") else item.line)
            elif isinstance(node, Scalar) and node.tag == "str":
                if node.style == "|" and not image:
                    self.out.extend(self._script(node))
                    continue
                w = split_words(node.value.replace("\n", " "))
                words.extend(w)
                lines.extend(self._word_lines(w, node))
        if not words:
            return
        variables = self._container_vars(m)
        words = [re.sub(r"\$\(([A-Za-z_]\w*)\)", r"${\1}", w) for w in words]
        found = detect_command_line(words, lines[0], token_lines=lines, kind=self.kind, detector=self.detector,
                                    lines=self.lines, variables=variables, image=image)
        self.out.extend(found)

    def _container_vars(self, m: Map) -> dict[str, Assignment]:
        out: dict[str, Assignment] = {}
        env = m.get("env") or m.get("environment")
        if isinstance(env, Seq):
            for item in env.items:
                if isinstance(item, Map):
                    name, val = item.get("name"), item.get("value")
                    if isinstance(name, Scalar) and isinstance(val, Scalar) and val.value:
                        out[name.value] = Assignment(val.value, val.line, self.snip(val.line))
                elif isinstance(item, Scalar) and "=" in item.value:
                    k, _, v = item.value.partition("=")
                    out[k.strip()] = Assignment(v.strip(), item.line, self.snip(item.line))
        elif isinstance(env, Map):
            for k, _, node in env.entries:
                if isinstance(node, Scalar) and node.value:
                    out[k] = Assignment(node.value, node.line, self.snip(node.line))
        return out


def _is_script_key(nk: str) -> bool:
    """`run:`, `script:`, `postCreateCommand:`, `before_script:`: shell lines (not a container's command)."""
    return nk in _SCRIPT_KEYS or (nk.endswith(("_command", "_commands", "_script", "_cmd")) and nk not in _COMMAND_KEYS)


def _image(m: Map) -> str | None:
    node = m.get("image")
    if isinstance(node, Scalar) and node.tag == "str":
        return node.value or None
    if isinstance(node, Map):
        repo = scalar_text(node.get("repository")) or scalar_text(node.get("name"))
        return repo
    return None
