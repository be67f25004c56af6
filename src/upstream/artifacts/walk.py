"""From a path to artifact cards: files, split GGUF sets, HF folders and caches, Ollama stores, trees."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from upstream.artifacts import describe, gguf, hf_folder, ollama_store
from upstream.artifacts.binio import ArtifactError
from upstream.artifacts.facts import Facts, Name
from upstream.artifacts.hub import hf_cache_repo
from upstream.artifacts.identify import build_card
from upstream.artifacts.types import ArtifactCard, ArtifactFile

MODEL_SUFFIXES = (".gguf", ".ggml", ".safetensors", ".onnx", ".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle",
                  ".llamafile")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site-packages",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox"})
MAX_FILES = 200_000
MAX_DEPTH = 24
MAX_SPLIT_PARTS = 512
_CACHE_REPO_RE = re.compile(r"^models--[^/]+--[^/]+$")
_GENERIC_DIRS = {"model", "models", "weights", "checkpoint", "checkpoints", "files", "data", "snapshots", "hub"}


@dataclass(slots=True)
class InspectResult:
    cards: list[ArtifactCard] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: why" for files that looked like models


def _context(path: str, f: Facts) -> None:
    """Add what the folder around a weights file says (HF cache id, README, config, tokenizer)."""
    folder = os.path.dirname(os.path.abspath(path))
    in_cache = hf_cache_repo(folder) is not None
    card_only = os.path.isfile(os.path.join(folder, "README.md"))  # a GGUF repo: README front matter only
    if not in_cache and not card_only and not hf_folder.is_model_folder(folder):
        return
    try:
        ctx = hf_folder.folder_facts(folder, "", weights=False)
    except ArtifactError:
        return
    if f.format == "gguf":  # a GGUF repo's config/tokenizer files, if any, describe the original, not this file
        ctx.vocab = None
        ctx.tokenizer_model = None
        ctx.templates = []
    f.hub_ids[:0] = ctx.hub_ids
    ctx.hub_ids = []
    fmt, path_shown, files = f.format, f.path, f.files
    ctx.files = []
    f.absorb(ctx)
    f.format, f.path, f.files = fmt, path_shown, files


def _split_set(path: str) -> list[str] | None:
    """All parts of a split GGUF (`-00001-of-00003.gguf`), part 1 first; None when not split by name."""
    name = os.path.basename(path)
    parts = gguf.split_parts(name)
    if parts is None:
        return None
    _, count = parts
    stem = gguf.SPLIT_RE.sub("", name)
    folder = os.path.dirname(path)
    last = min(count, MAX_SPLIT_PARTS)
    return [os.path.join(folder, f"{stem}-{i:05d}-of-{count:05d}.gguf") for i in range(1, last + 1)]


def _gguf_set_facts(parts: list[str], rel_of: dict[str, str]) -> Facts:
    first = parts[0]
    present = [p for p in parts if os.path.isfile(p)]
    if first not in present:
        # no part 1: the metadata is not here; read what the part we have says
        f = describe.gguf_facts(present[0], rel_of[present[0]])
        f.finding("missing-parts", "warning", f"part 1 of this split GGUF is missing; it alone carries the model's "
                  f"metadata ({len(present)} of {len(parts)} parts present)")
        f.parameters_partial = True
        return f
    f = describe.gguf_facts(first, rel_of[first])
    total = f.parameters or 0
    for p in present[1:]:
        try:
            h = gguf.read_file(p)
        except (ArtifactError, OSError) as exc:
            f.error(f"{rel_of[p]}: {exc}")
            continue
        total += h.parameters
        f.files.append(ArtifactFile(path=rel_of[p], size=h.file_size, format="gguf",
                                    complete=h.weights_complete is not False))
    f.parameters = total
    missing = len(parts) - len(present)
    f.parameters_partial = bool(missing) or any(not x.complete for x in f.files)
    if missing:
        f.finding("missing-parts", "warning", f"{missing} of {len(parts)} parts of this split GGUF are missing")
    else:
        f.claim("parameters", f"{total:,} over {len(parts)} parts", "tensor tables of every part")
    return f


def file_card(path: str, rel: str, context: bool = True) -> ArtifactCard | None:
    """The card for one model file (with its split siblings and folder context), or None if it is not one.

    Raises ArtifactError when the file is a model format but broken in it.
    """
    name = os.path.basename(path)
    split = _split_set(path)
    if split is not None and describe.sniff(path, name) == "gguf":
        base = os.path.dirname(rel)
        rel_of = {p: (f"{base}/{os.path.basename(p)}" if base else os.path.basename(p)) for p in split}
        rel_of[path] = rel
        f = _gguf_set_facts(split, rel_of)
    else:
        store = ollama_store.store_of_blob(path)
        tags = ollama_store.tags_for_blob(store, name) if store else []
        if tags and store:
            f = ollama_store.manifest_facts(store, tags[0])
            for extra in tags[1:]:
                f.claim("hub-id", extra.tag, "another Ollama tag of the same blob", extra.rel)
            return build_card(f)
        got = describe.file_facts(path, rel)
        if got is None:
            return None
        f = got
    if context:
        _context(path, f)
    return build_card(f)


def folder_card(folder: str, rel: str) -> ArtifactCard:
    f = hf_folder.folder_facts(folder, rel)
    if f.names and f.names[0].kind == "folder" and f.names[0].value.lower() in _GENERIC_DIRS:
        f.names.pop(0)
    if not any(n.kind == "folder" for n in f.names):
        parent = os.path.basename(os.path.dirname(os.path.abspath(folder)))
        if parent and parent.lower() not in _GENERIC_DIRS and not parent.startswith("models--"):
            f.names.append(Name(parent, "parent folder name", "folder"))
    return build_card(f)


def _add(result: InspectResult, fn: object, *args: object) -> None:
    try:
        card = fn(*args)  # type: ignore[operator]
    except (ArtifactError, OSError, ValueError) as exc:
        result.skipped.append(f"{args[1] if len(args) > 1 else args[0]}: {exc}")
        return
    if card is not None:
        result.cards.append(card)


def _ggufs_in(folder: str) -> list[str]:
    try:
        return sorted(n for n in os.listdir(folder) if n.lower().endswith(".gguf"))
    except OSError:
        return []


def _model_folder(result: InspectResult, folder: str, rel: str) -> None:
    names = sorted(os.listdir(folder))
    ggufs = [n for n in names if n.lower().endswith(".gguf")]
    other = [n for n in names if n.endswith(hf_folder.WEIGHT_SUFFIXES)] or os.path.isdir(os.path.join(folder, "onnx"))
    if other or "config.json" in names or "adapter_config.json" in names or not ggufs:
        _add(result, folder_card, folder, rel or ".")
    seen_sets: set[str] = set()
    for n in ggufs:
        split = _split_set(os.path.join(folder, n))
        if split:
            key = split[0]
            if key in seen_sets:
                continue
            seen_sets.add(key)
        _add(result, file_card, os.path.join(folder, n), f"{rel}/{n}" if rel else n)


def _cache_repo(result: InspectResult, repo_dir: str, rel: str) -> None:
    snaps = os.path.join(repo_dir, "snapshots")
    try:
        revisions = sorted(os.listdir(snaps))
    except OSError:
        result.skipped.append(f"{rel}: HF cache repo without snapshots")
        return
    for rev in revisions:
        d = os.path.join(snaps, rev)
        if os.path.isdir(d):
            _model_folder(result, d, f"{rel}/snapshots/{rev}" if rel else f"snapshots/{rev}")


def _ollama(result: InspectResult, store: str, rel: str) -> None:
    for man in ollama_store.manifests(store):
        try:
            f = ollama_store.manifest_facts(store, man)
        except (ArtifactError, OSError) as exc:
            result.skipped.append(f"{man.rel}: {exc}")
            continue
        if rel:
            f.path = f"{rel}/{f.path}"
        result.cards.append(build_card(f))


def inspect_path(path: str) -> InspectResult:
    """Every artifact at `path`: a file, a model folder, an HF cache, an Ollama store, or any tree."""
    result = InspectResult()
    if os.path.isfile(path):
        _add(result, file_card, path, os.path.basename(path))
        if not result.cards and not result.skipped:
            result.skipped.append(f"{os.path.basename(path)}: not a model format upstream reads")
        return result
    _tree(result, path, "", 0, [0])
    return result


def _tree(result: InspectResult, folder: str, rel: str, depth: int, count: list[int]) -> None:
    store = ollama_store.store_root(folder)
    if store is not None:
        sub = os.path.relpath(store, folder)
        _ollama(result, store, rel if sub == "." else (f"{rel}/{sub}" if rel else sub))
        if sub == ".":
            return
    base = os.path.basename(os.path.abspath(folder))
    if _CACHE_REPO_RE.match(base):
        _cache_repo(result, folder, rel)
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        result.skipped.append(f"{rel or '.'}: {exc.strerror}")
        return
    names = [e.name for e in entries]
    if hf_folder.is_model_folder(folder, names):
        _model_folder(result, folder, rel)
        for e in entries:
            if e.is_dir(follow_symlinks=False) and hf_folder.is_model_folder(e.path):
                _tree(result, e.path, f"{rel}/{e.name}" if rel else e.name, depth + 1, count)
        return
    seen_sets: set[str] = set()
    for e in entries:
        count[0] += 1
        if count[0] > MAX_FILES:
            result.skipped.append(f"{rel or '.'}: more than {MAX_FILES} entries; walk stopped")
            return
        child = f"{rel}/{e.name}" if rel else e.name
        if e.is_dir(follow_symlinks=False):
            if e.name in SKIP_DIRS or depth >= MAX_DEPTH or (store is not None and e.name == "models"):
                continue
            _tree(result, e.path, child, depth + 1, count)
        elif e.is_file() and (e.name.lower().endswith(MODEL_SUFFIXES) or ollama_store.BLOB_RE.match(e.name)):
            split = _split_set(e.path)
            if split:
                if split[0] in seen_sets:
                    continue
                seen_sets.add(split[0])
            _add(result, file_card, e.path, child)
