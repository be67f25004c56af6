"""Which inventory items a saved probe run measured: the same model, behind the same serving path.

A run names the model it requested and the models the server said it served; an item names the model as
written in the code. They match, strongest first, by
1. model id: the same id once case, ":latest", the org prefix and a file's folder are set aside;
2. model name: the same name once quantization and format suffixes are removed (a GGUF file name
   `qwen2.5-coder-0.5b-instruct-q4_k_m.gguf` and the repo id `Qwen/Qwen2.5-Coder-0.5B-Instruct`), same size;
3. knowledge-base model: both resolve to the same checkpoint record;
4. model family and size: both resolve to the same family and name the same parameter count
   (an Ollama tag `qwen2.5-coder:0.5b` and that GGUF file).
and the serving path must agree: a run against a local endpoint matches self-hosted items (and items whose
serving path the code does not name); a run against a hosted API matches items served by that host or its
operator. A behaviour measured on one host says little about another host's filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import urlsplit

from upstream.detect.identifiers import hf_id_from_url, is_model_file
from upstream.models import Endpoint, InventoryItem, MeasuredRun

_HOW = ("model id", "model name", "knowledge-base model", "model family and size")


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A run that no inventory item matched, and why."""

    run: MeasuredRun
    reason: str


@dataclass(frozen=True, slots=True)
class _Name:
    written: str
    ids: frozenset[str]
    stem: str
    size: str | None
    family: str | None
    model: str | None
    file: bool


def _ids(value: str) -> tuple[frozenset[str], bool]:
    """Lower-case forms of a model id for comparison: as written and without its org prefix / folder."""
    v = value.strip().strip("\"'")
    v = hf_id_from_url(v) or v
    file = is_model_file(v)
    if file or v.startswith(("/", "./", "~")) or "\\" in v:
        v = v.replace("\\", "/").rsplit("/", 1)[-1]
    low = v.lower()
    for prefix in ("hf.co/", "huggingface.co/", "hf://", "registry.ollama.ai/library/", "ollama.com/library/"):
        if low.startswith(prefix):
            low = low[len(prefix):]
    if low.endswith(":latest"):
        low = low[: -len(":latest")]
    out = {low}
    if "/" in low:
        out.add(low.rsplit("/", 1)[1])
    return frozenset(x for x in out if x), file


@lru_cache(maxsize=4096)
def _name(value: str, hub: str | None = None, provider: str | None = None) -> _Name:
    from upstream.resolve import resolve
    from upstream.resolve.names import RefHub, parse

    ids, file = _ids(value)
    hint = cast(RefHub, hub) if hub in ("huggingface", "ollama", "api", "file") else None
    p = parse(value, hint, provider)
    prov = resolve(value, hub=hint, provider=provider)
    known = prov.status != "unknown"
    return _Name(written=value, ids=ids, stem=p.stem, size=p.size, family=prov.family if known else None,
                 model=prov.model if known else None, file=file)


def _item_names(item: InventoryItem) -> list[_Name]:
    m = item.model
    names = [_name(m.canonical, m.hub, m.provider)]
    if m.raw != m.canonical:
        names.append(_name(m.raw, m.hub, m.provider))
    prov = item.provenance
    if prov is not None and prov.status != "unknown":  # the scan's own resolution wins (it had the context)
        names = [_Name(written=n.written, ids=n.ids, stem=n.stem, size=n.size, family=prov.family or n.family,
                       model=prov.model or n.model, file=n.file) for n in names]
    return names


def _run_names(run: MeasuredRun) -> list[_Name]:
    written = dict.fromkeys([run.model, *run.served_models])
    return [_name(w) for w in written if w and w.strip()]


def _level(a: _Name, b: _Name) -> int | None:
    """How strongly two names denote the same model: an index into _HOW, None when they do not."""
    if a.ids & b.ids:
        return 0
    if a.stem and a.stem == b.stem and a.size == b.size:
        return 1
    if a.model and a.model == b.model:
        return 2
    if a.family and a.family == b.family and a.size and a.size == b.size:
        return 3
    return None


def _model_match(runs: list[_Name], items: list[_Name]) -> str | None:
    best: tuple[int, bool] | None = None
    for r in runs:
        for i in items:
            level = _level(r, i)
            if level is not None and (best is None or level < best[0]):
                best = (level, r.file)
    if best is None:
        return None
    level, file = best
    how = _HOW[level]
    if file and level > 0:
        how += " (GGUF file name)" if any(r.written.lower().endswith(".gguf") for r in runs) else " (model file name)"
    return how


@lru_cache(maxsize=256)
def _endpoint(url: str) -> Endpoint:
    from upstream.endpoints import table

    return table().for_url(url)


def _port(url: str | None) -> int | None:
    try:
        return urlsplit(url if "//" in url else f"//{url}").port if url else None
    except ValueError:
        return None


def _serving(run: MeasuredRun, ep: Endpoint | None) -> str | None:
    """How the run's serving path agrees with the item's; None when it does not."""
    if not run.endpoint:
        return "the run records no endpoint"
    mine = _endpoint(run.endpoint)
    if ep is None:
        return "self-hosted run; the code names no serving path" if mine.local else None
    if mine.host and ep.host and mine.host == ep.host and (not mine.local or _port(run.endpoint) == _port(ep.url)):
        return "endpoint"
    if not mine.local and mine.operator_id and mine.operator_id == ep.operator_id:
        return "endpoint"
    if mine.local and ep.local:
        return "self-hosted"
    return None


def _join(model_how: str, serving: str) -> str:
    if serving == "endpoint":
        return f"{model_how} and endpoint"
    if serving == "self-hosted":
        return f"{model_how}, both self-hosted"
    return f"{model_how}; {serving}"


def _where(run: MeasuredRun) -> str:
    if not run.endpoint:
        return "an unrecorded endpoint"
    ep = _endpoint(run.endpoint)
    if ep.local:
        return f"a self-hosted endpoint ({ep.host or run.endpoint})"
    return ep.operator or ep.host or run.endpoint


def _served(item: InventoryItem) -> str:
    ep = item.endpoint
    if ep is None:
        return "no serving path named"
    return "self-hosted" if ep.local else (ep.operator or ep.host or ep.url or "?")


def match_runs(items: Sequence[InventoryItem], runs: Sequence[MeasuredRun]
               ) -> tuple[dict[str, list[tuple[MeasuredRun, str]]], list[Unmatched]]:
    """Per inventory item id, the runs that measured it with how they matched; and the runs that matched none.
    Documentation-only mentions get a run only when no item in use matches it."""
    found: dict[str, list[tuple[MeasuredRun, str]]] = {}
    unmatched: list[Unmatched] = []
    for run in runs:
        names = _run_names(run)
        by_model: list[tuple[InventoryItem, str]] = []
        hits: list[tuple[InventoryItem, str]] = []
        for item in items:
            how = _model_match(names, _item_names(item))
            if how is None:
                continue
            by_model.append((item, how))
            serving = _serving(run, item.endpoint)
            if serving is not None:
                hits.append((item, _join(how, serving)))
        if any(not i.docs_only for i, _ in hits):
            hits = [(i, h) for i, h in hits if not i.docs_only]
        for item, how in hits:
            found.setdefault(item.id, []).append((run, how))
        if not hits:
            unmatched.append(Unmatched(run, _reason(run, by_model, len(items))))
    return found, unmatched


def _reason(run: MeasuredRun, by_model: list[tuple[InventoryItem, str]], total: int) -> str:
    served = [s for s in run.served_models if s != run.model]
    model = run.model + (f" (served as {', '.join(served[:3])})" if served else "")
    if by_model:
        others = "; ".join(f"{i.id} ({_served(i)})" for i, _ in by_model[:5])
        return (f"{model} was measured on {_where(run)}, but the inventory serves that model elsewhere: {others}. "
                "A measurement on one serving path is not attached to another")
    return f"no inventory item is the model {model} (the inventory has {total} item(s))"
