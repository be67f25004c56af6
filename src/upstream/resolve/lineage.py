"""Lineage: from a model, follow every recorded parent edge to every root, keeping the relation of each edge.

A distill of one family onto another has two roots: DeepSeek-R1-Distill-Llama-8B reaches Llama-3.1-8B
(its base) and, through DeepSeek-R1 (its teacher), DeepSeek-V3-Base.
"""

from __future__ import annotations

from collections.abc import Callable

from upstream.resolve.kb import KbIndex
from upstream.resolve.types import LineageEdge, OrgRef, Root, SourceRef

MAX_DEPTH = 32


def family_node(family_id: str) -> str:
    return f"family:{family_id}"


def node_family(node: str, idx: KbIndex) -> str | None:
    """The family id of a lineage node (`family:<id>` or a model id)."""
    if node.startswith("family:"):
        return node[7:] if node[7:] in idx.kb.families else None
    found = idx.model_by_id.get(node.lower())
    return found[1].id if found else None


def walk(
    start: str,
    idx: KbIndex,
    cite: Callable[[list[str]], list[SourceRef]],
    org: Callable[[str | None], OrgRef | None],
    first_edges: list[LineageEdge] | None = None,
) -> tuple[list[LineageEdge], list[Root]]:
    """Every edge reachable from `start` (after `first_edges`, which lead to it) and every root."""
    edges: list[LineageEdge] = list(first_edges or [])
    roots: dict[str, Root] = {}
    seen: set[str] = set()
    stack: list[tuple[str, tuple[str, ...], int]] = [(start, (), 0)]
    while stack:
        node, via, depth = stack.pop()
        key = node.lower()
        if key in seen or depth > MAX_DEPTH:
            continue
        seen.add(key)
        found = None if node.startswith("family:") else idx.model_by_id.get(key)
        parents = found[0].parents if found else []
        if not parents:
            fam_id = node_family(node, idx)
            developer = org(idx.kb.families[fam_id].developer) if fam_id else None
            roots.setdefault(key, Root(model=node, family=fam_id, developer=developer, via=list(via)))
            continue
        child = found[0].id if found else node
        for p in parents:
            edges.append(LineageEdge(
                child=child, parent=p.model, relation=p.relation, role=p.role, note=p.note,
                unverified=p.unverified, sources=cite(p.sources),
            ))
            stack.append((p.model, (*via, p.relation), depth + 1))
    ordered = sorted(roots.values(), key=lambda r: (len(r.via), r.model.lower()))
    return edges, ordered
