"""Reading one program's arguments: which word is the model, what it resolves to, and the Detection.

The shared vocabulary of the command-line reader (`Tok`, `Assignment`, `Ctx`) and the argument
logic for a known tool (`read_tool`) or any other program (`read_generic`), split from
`config_commands`, which decides which program a command line runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from upstream.detect import Detection
from upstream.detect.config_keys import model_detection, plausible_model, strong_shape, unwrap
from upstream.detect.config_tools import Tool
from upstream.detect.identifiers import is_hf_id, is_plausible, split_route
from upstream.evidence import EvidenceKind, Hub, Related


@dataclass(frozen=True, slots=True)
class Assignment:
    """A variable set earlier in the same script (`MODEL=${MODEL:-Qwen/Qwen2.5-7B}`): its literal and line."""

    value: str
    line: int
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Tok:
    """One word of a command line and the line it is written on."""

    text: str
    line: int


@dataclass(slots=True)
class Ctx:
    """What every detection from one command line shares, and where they are collected."""

    kind: EvidenceKind
    detector: str
    snippet: str
    lines: Sequence[str] | None
    variables: Mapping[str, Assignment]
    out: list[Detection] = field(default_factory=list)
    depth: int = 0

    def snip(self, line: int) -> str:
        if self.lines is not None and 0 < line <= len(self.lines):
            return self.lines[line - 1]
        return self.snippet


_VAR_RE = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?::?[-=][^}]*)?\}|\(([A-Za-z_]\w*)\)|([A-Za-z_]\w*))")
_GENERIC_FLAG_RE = re.compile(
    r"^--?(?:[a-z0-9]+[_-])*(?:model|llm)(?:[_-](?:name|id|path|name[_-]or[_-]path|repo))?$"
)
_GENERIC_DENY = frozenset({
    "served", "output", "hub", "push", "save", "data", "dataset", "tokenizer", "response", "new", "alias",
    "user", "export", "target", "max", "num", "dir",
})


def _value(ctx: Ctx, tok: Tok) -> tuple[str, int, str, tuple[Related, ...]] | None:
    """The literal a word stands for, where it is written, and the command line when it is elsewhere."""
    text = tok.text.strip()
    if "`" in text:  # a command substitution: its output is unknown
        return None
    if "$" not in text:
        return text, tok.line, ctx.snip(tok.line), ()
    m = _VAR_RE.fullmatch(text)
    if m:
        name = m.group(1) or m.group(2) or m.group(3)
        a = ctx.variables.get(name)
        if a is not None:
            if "$" in a.value:
                return None
            return a.value, a.line, a.snippet or ctx.snip(a.line), (Related(tok.line, "used in this command"),)
    if text.startswith("${") and text.endswith("}"):
        default = unwrap(text)
        return (default, tok.line, ctx.snip(tok.line), ()) if default and "$" not in default else None
    parts: list[str] = []
    pos = 0
    for vm in _VAR_RE.finditer(text):
        a = ctx.variables.get(vm.group(1) or vm.group(2) or vm.group(3))
        if a is None:
            return None
        parts.append(text[pos:vm.start()] + a.value)
        pos = vm.end()
    value = "".join(parts) + text[pos:]
    if "$" in value:  # `$1`, `$@`, `${2}`, `$(cmd)`: positional or unknown, never a literal model
        return None
    return value, tok.line, ctx.snip(tok.line), ()


def report(ctx: Ctx, tok: Tok, tool: Tool | None, *, hub: Hub | None = None, note: str | None = None,
            revision: str | None = None, generic: bool = False) -> None:
    got = _value(ctx, tok)
    if got is None:
        return
    value, line, snip, related = got
    value = value.strip().strip("\"'")
    canonical = None
    if tool is not None and tool.quant_suffix and ":" in value and "/" in value:
        repo, _, quant = value.partition(":")
        if is_hf_id(repo):
            canonical, note = repo, note or f"quantization {quant}"
    judged = canonical or value
    route = split_route(judged) if generic or (tool is not None and tool.routes) else None
    if route:
        judged = route[1]
    if generic:
        if not (plausible_model(judged, generic=True, ai_context=False) and strong_shape(judged)):
            return
    elif not is_plausible(judged, "strong") or value.startswith("-"):
        return
    d = model_detection(
        value, line, kind=ctx.kind, detector=ctx.detector, snippet=snip,
        provider=tool.provider if tool else None, hub=hub, confidence="medium" if generic else "high",
        note=note, route=tool is None or tool.routes, revision=revision,
    )
    if canonical:
        d = replace(d, canonical=canonical, hub="huggingface")
    ctx.out.append(replace(d, related=related) if related else d)


def _flag_values(args: list[Tok]) -> list[tuple[str, Tok]]:
    """(`--flag`, value word) pairs, for both `--flag value` and `--flag=value`."""
    out: list[tuple[str, Tok]] = []
    for i, t in enumerate(args):
        if not t.text.startswith("-") or t.text in ("-", "--"):
            continue
        flag, eq, inline = t.text.partition("=")
        if eq:
            out.append((flag, Tok(inline, t.line)))
        elif " " in flag:
            f, _, v = flag.partition(" ")
            out.append((f, Tok(v.strip(), t.line)))
        elif i + 1 < len(args):
            out.append((flag, args[i + 1]))
    return out


def read_tool(ctx: Ctx, tool: Tool, args: list[Tok], head: Tok | None) -> None:
    if tool.subcommands is not None:
        if not args or args[0].text not in tool.subcommands:
            if tool.flags:
                _flags(ctx, tool, args)
            return
        args = args[1:]
        if tool.nested and args and args[0].text in tool.nested:
            args = args[1:]
    flags = _flag_values(args)
    revision = next((v.text for f, v in flags if f in ("--revision", "--model-revision")), None)
    if tool.positional:
        if any(f == "--repo-type" and v.text not in ("model", "models") for f, v in flags):
            return
        pos = _positional(args, tool)
        if pos is not None:
            report(ctx, pos, tool, hub=tool.hub, revision=revision, note=_alias_note(flags))
    _flags(ctx, tool, args, revision)


def _flags(ctx: Ctx, tool: Tool, args: list[Tok], revision: str | None = None) -> None:
    flags = _flag_values(args)
    alias = _alias_note(flags)
    for flag, v in flags:
        if flag in tool.flags:
            hub = tool.flag_hubs.get(flag, tool.hub)
            report(ctx, v, tool, hub=hub, revision=revision, note=alias)
        elif tool.generic_flags and _generic_flag(flag, flags):
            report(ctx, v, None, generic=True)
    if tool.kv_flags:
        for t in args:
            k, eq, kv = t.text.partition("=")
            if eq and k in tool.kv_flags:
                report(ctx, Tok(kv, t.line), tool, hub=tool.hub)


def _alias_note(flags: list[tuple[str, Tok]]) -> str | None:
    names = [v.text for f, v in flags if f == "--served-model-name"]
    return f"served as {names[0]!r}" if names else None


def _positional(args: list[Tok], tool: Tool) -> Tok | None:
    i = 0
    skip = tool.positional - 1
    while i < len(args):
        t = args[i].text
        if t.startswith("-"):
            if tool.first_only:
                return None
            i += 2 if (t in tool.value_opts and "=" not in t) else 1
            continue
        if skip:
            skip -= 1
            i += 1
            continue
        return args[i]
    return None


def _generic_flag(flag: str, flags: list[tuple[str, Tok]]) -> bool:
    """A `--model`-style option; `--model_name` beside `--model_id` is the served alias, not the model."""
    if not _GENERIC_FLAG_RE.match(flag):
        return False
    words = re.split(r"[-_]", flag.lstrip("-"))
    if any(p in _GENERIC_DENY for p in words):
        return False
    if words[-1] == "name" and len(words) == 2:
        return not any(re.fullmatch(r"--?model[-_](?:id|path|name[-_]or[-_]path)", f) for f, _ in flags)
    return True


def read_generic(ctx: Ctx, args: list[Tok], head: Tok | None) -> None:
    if head is not None and head.text.rsplit("/", 1)[-1].lower() in NOT_AI_TOOLS:
        return
    flags = _flag_values(args)
    for flag, v in flags:
        if _generic_flag(flag, flags):
            report(ctx, v, None, generic=True)


# CLIs whose `--model`-style options mean something else (ORM models, cloud resources, dbt models).
NOT_AI_TOOLS = frozenset({
    "aws", "gcloud", "az", "terraform", "helm", "dbt", "rails", "rake", "php", "artisan", "sam", "mlflow",
    "django-admin", "manage.py", "sequelize", "prisma", "sqlacodegen", "datamodel-codegen", "openapi-generator",
})
