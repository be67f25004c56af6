"""A rule's documentation as Markdown: what `upstream explain RULE` prints and SARIF's `help.markdown` carries."""

from __future__ import annotations

import json
from datetime import date
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from upstream.policy.rules import BY_ID, Rule
from upstream.policy.rules.base import Source

_COMMON = ("enabled", "severity", "paths", "exclude_paths")


def rule_sources(rule: Rule[Any]) -> list[Source]:
    """The public sources behind a rule's rationale: its knowledge-base sources, then any others."""
    from upstream.kb.loader import default_kb

    kb = default_kb().sources
    out = []
    for sid in rule.kb_sources:
        src = kb.get(sid)
        if src is not None:
            out.append(Source(src.title, src.url or (f"https://github.com/{src.repo}" if src.repo else sid)))
    return out + list(rule.sources)


def type_text(ann: Any) -> str:
    """An option's type in words: `list of "a" | "b"`, `true/false`, `table of text -> number`."""
    origin, args = get_origin(ann), get_args(ann)
    if origin is Literal:
        return " | ".join(f'"{a}"' for a in args)
    if origin in (Union, UnionType):
        return " or ".join(type_text(a) for a in args if a is not type(None))
    if origin is tuple or origin is list:
        return f"list of {type_text(args[0])}" if args else "list"
    if origin is dict:
        return f"table of {type_text(args[0])} -> {type_text(args[1])}"
    names = {bool: "true/false", str: "text", int: "integer", float: "number", date: "date"}
    return names.get(ann, getattr(ann, "__name__", str(ann)))


def options_markdown(rule: Rule[Any]) -> str:
    lines = []
    for name, f in rule.options.model_fields.items():
        if name in _COMMON:
            continue
        default = "" if f.is_required() else "; optional" if f.default is None else f"; default {json.dumps(f.default)}"
        lines.append(f"- `{name}` ({type_text(f.annotation)}{default}): {' '.join((f.description or '').split())}")
    lines.append("- Every rule also takes `enabled`, `severity`, `paths` and `exclude_paths` (see docs/policy.md).")
    return "\n".join(lines)


def rule_markdown(rule: Rule[Any]) -> str:
    """The full documentation of a rule, in fixed sections."""
    sources = "\n".join(f"- {s.title}: <{s.url}>" for s in rule_sources(rule)) or "- (none)"
    return (f"# {rule.id}\n\n{rule.summary}.\n\nDefault severity: **{rule.default_severity}**. "
            f"Tags: {', '.join(rule.tags) or 'none'}.\n\n"
            f"## What it checks\n\n{rule.checks}\n\n## Why it matters\n\n{rule.why}\n\n"
            f"## How to fix it\n\n{rule.fix}\n\n## Options\n\n{options_markdown(rule)}\n\n"
            f"## Example\n\n```toml\n{rule.example}\n```\n\n## Sources\n\n{sources}\n")


def rule_doc(rule_id: str) -> str | None:
    """The documentation of a rule id, or None when no rule has that id."""
    rule = BY_ID.get(rule_id.strip().lower())
    return rule_markdown(rule) if rule is not None else None


def reference_markdown() -> str:
    """Every rule's documentation, headings demoted, for the rule reference in docs/policy.md."""
    from upstream.policy.rules import RULES

    parts = []
    for rule in RULES:
        doc = rule_markdown(rule).replace(f"# {rule.id}\n", f"### `{rule.id}`\n", 1).replace("\n## ", "\n#### ")
        parts.append(doc)
    return "\n".join(parts)
