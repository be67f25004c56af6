"""Cross-record checks the schema alone cannot make: every reference resolves, no id is claimed twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Family


def _cited(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """(where, source id) for every citation outside endpoints.yaml."""
    for o in kb.organisations.values():
        for s in o.sources:
            yield f"organisation {o.id}", s
        for li in o.listings:
            for s in li.sources:
                yield f"organisation {o.id} listing", s
        for t in o.transparency:
            for s in t.sources:
                yield f"organisation {o.id} transparency", s
    for f in kb.families.values():
        for s in f.sources:
            yield f"family {f.id}", s
        for m in f.models:
            for s in m.sources:
                yield f"model {m.id}", s
            for p in m.parents:
                for s in p.sources:
                    yield f"lineage {m.id} -> {p.model}", s
    for lic in kb.licences.values():
        for s in lic.sources:
            yield f"licence {lic.id}", s
        for r in lic.restrictions:
            for s in r.sources:
                yield f"licence {lic.id} restriction", s
    for me in kb.measures:
        for s in me.sources:
            yield f"measure {me.id}", s
    for ix in kb.indices:
        for s in ix.sources:
            yield f"index {ix.id}", s
    for b in kb.benchmarks:
        for s in b.sources:
            yield f"benchmark {b.family}/{b.model}", s


def _dupes(pairs: Iterable[tuple[str, str]], what: str) -> list[str]:
    owners: dict[str, set[str]] = defaultdict(set)
    for key, owner in pairs:
        owners[key.lower()].add(owner)
    return [f"{what} {key!r} is claimed by {', '.join(sorted(o))}" for key, o in sorted(owners.items()) if len(o) > 1]


def model_index(families: Iterable[Family]) -> dict[str, str]:
    """Lower-case model id or alias -> family id."""
    out: dict[str, str] = {}
    for f in families:
        for m in f.models:
            out[m.id.lower()] = f.id
            for a in m.aliases:
                out[a.lower()] = f.id
    return out


def problems(kb: KnowledgeBase) -> list[str]:
    """Every cross-record problem; an empty list means the knowledge base is consistent."""
    out: list[str] = []
    for where, sid in _cited(kb):
        if sid not in kb.sources:
            out.append(f"{where}: source {sid!r} is not in sources.yaml")
    for o in kb.organisations.values():
        if o.parent and o.parent not in kb.organisations:
            out.append(f"organisation {o.id}: parent {o.parent!r} is not an organisation")
    ep_sources = kb.endpoints.sources
    for e in kb.endpoints.endpoints:
        if not e.sources and not e.local:
            out.append(f"endpoint {e.id}: no sources")
        out += [f"endpoint {e.id}: source {s!r} is not in endpoints.yaml sources" for s in e.sources
                if s not in ep_sources]
    out += _dupes(((e.id, f"endpoint#{n}") for n, e in enumerate(kb.endpoints.endpoints)), "endpoint id")
    models = model_index(kb.families.values())
    for f in kb.families.values():
        for org in [f.developer, *f.co_developers]:
            if org not in kb.organisations:
                out.append(f"family {f.id}: developer {org!r} is not an organisation")
        for ref in f.licences:
            if ref.id not in kb.licences:
                out.append(f"family {f.id}: licence {ref.id!r} is not in licences.yaml")
        for m in f.models:
            if m.licence and m.licence not in kb.licences:
                out.append(f"model {m.id}: licence {m.licence!r} is not in licences.yaml")
            for p in m.parents:
                if p.model.startswith("family:"):
                    if p.model[7:] not in kb.families:
                        out.append(f"model {m.id}: parent family {p.model[7:]!r} does not exist")
                elif p.model.lower() not in models:
                    out.append(f"model {m.id}: lineage parent {p.model!r} is not a model in the knowledge base")
    out += _dupes(((k, f.id) for f in kb.families.values() for m in f.models for k in [m.id, *m.aliases]),
                  "model id or alias")
    out += _dupes(((p, f.id) for f in kb.families.values() for p in f.match.prefixes), "name prefix")
    out += _dupes(((p, f.id) for f in kb.families.values() for p in f.match.ollama), "Ollama name")
    out += _dupes(((p, f.id) for f in kb.families.values() for p in f.match.api), "API name")
    out += _dupes(((ns, o.id) for o in kb.organisations.values() for ns in o.hf_namespaces), "HF namespace")
    out += _cycles(kb)
    for me in kb.measures:
        out += [f"measure {me.id}: organisation {o!r} does not exist" for o in me.applies_to.organisations
                if o not in kb.organisations]
        out += [f"measure {me.id}: family {fam!r} does not exist" for fam in me.applies_to.families
                if fam not in kb.families]
    for o in kb.organisations.values():
        out += [f"organisation {o.id}: listing measure {li.measure!r} does not exist" for li in o.listings
                if li.measure and li.measure not in {m.id for m in kb.measures}]
    out += [f"benchmark {b.model}: family {b.family!r} does not exist" for b in kb.benchmarks
            if b.family not in kb.families]
    return out


def _cycles(kb: KnowledgeBase) -> list[str]:
    edges: dict[str, list[str]] = {}
    for f in kb.families.values():
        for m in f.models:
            edges[m.id.lower()] = [p.model.lower() for p in m.parents if not p.model.startswith("family:")]
    out: list[str] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            out.append(f"lineage cycle: {' -> '.join([*path, node])}")
            return
        state[node] = 1
        for nxt in edges.get(node, []):
            visit(nxt, [*path, node])
        state[node] = 2

    for node in edges:
        visit(node, [])
    return out
