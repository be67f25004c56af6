"""A knowledge-base check that needs the resolver: every listed model id and alias finds its own family."""

from __future__ import annotations

from upstream.kb.loader import KnowledgeBase
from upstream.resolve.resolver import resolve


def self_resolution_problems(kb: KnowledgeBase) -> list[str]:
    """Ids and aliases that resolve to another family (a prefix or pattern of that family steals them)."""
    out: list[str] = []
    for fam in kb.families.values():
        for m in fam.models:
            for key in (m.id, *m.aliases):
                got = resolve(key, kb)
                if got.family != fam.id:
                    out.append(f"{key!r} is listed in family {fam.id} but resolves to {got.family}")
        for name in fam.match.ollama:
            got = resolve(name, kb, hub="ollama")
            if got.family != fam.id:
                out.append(f"Ollama name {name!r} of family {fam.id} resolves to {got.family}")
    return out
