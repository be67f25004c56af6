"""Ollama's model store: manifests/<registry>/<namespace>/<model>/<tag> -> blobs/sha256-<hex> (a GGUF).

Each tag's manifest (JSON, OCI-like) lists layers by media type: the model weights, a chat
template, a system prompt, parameters, a licence, adapters and projectors. The weights layer is
inspected as a GGUF; the tag itself is the strongest evidence of what the user pulled.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from upstream.artifacts import describe
from upstream.artifacts.binio import ArtifactError, read_capped
from upstream.artifacts.facts import Facts, HubId
from upstream.artifacts.hub import ollama_tag

MANIFEST_CAP = 1 << 20
TEXT_LAYER_CAP = 256 << 10
MAX_MANIFESTS = 10_000
BLOB_RE = re.compile(r"^sha256[-:]([0-9a-f]{64})$")
_MEDIA = "application/vnd.ollama.image."


@dataclass(frozen=True, slots=True)
class Manifest:
    tag: str
    path: str  # absolute path of the manifest file
    rel: str  # manifests/<registry>/<ns>/<model>/<tag>


def store_root(path: str) -> str | None:
    """The store folder (holding manifests/ and blobs/) at `path`, or at `path`/models (~/.ollama)."""
    for cand in (path, os.path.join(path, "models")):
        if os.path.isdir(os.path.join(cand, "manifests")) and os.path.isdir(os.path.join(cand, "blobs")):
            return cand
    return None


def store_of_blob(path: str) -> str | None:
    """The store a blob file sits in (`<store>/blobs/sha256-<hex>`), if it does."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.basename(parent) != "blobs" or not BLOB_RE.match(os.path.basename(path)):
        return None
    root = os.path.dirname(parent)
    return root if os.path.isdir(os.path.join(root, "manifests")) else None


def manifests(root: str) -> list[Manifest]:
    """Every tag in the store, sorted."""
    out: list[Manifest] = []
    base = os.path.join(root, "manifests")
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        depth = os.path.relpath(dirpath, base).count(os.sep) + 1 if dirpath != base else 0
        if depth > 3:
            dirnames[:] = []
        if depth != 3:
            continue
        registry, namespace, model = os.path.relpath(dirpath, base).split(os.sep)
        for tag in sorted(filenames):
            out.append(Manifest(ollama_tag(registry, namespace, model, tag), os.path.join(dirpath, tag),
                                f"manifests/{registry}/{namespace}/{model}/{tag}"))
            if len(out) >= MAX_MANIFESTS:
                return out
    return out


def _layers(path: str) -> list[dict[str, object]]:
    data = read_capped(path, MANIFEST_CAP)
    if data is None:
        raise ArtifactError("manifest larger than 1 MiB")
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise ArtifactError("manifest is not JSON") from None
    layers = doc.get("layers") if isinstance(doc, dict) else None
    if not isinstance(layers, list):
        raise ArtifactError("manifest has no layers")
    return [x for x in layers if isinstance(x, dict)]


def _blob(root: str, digest: object) -> str | None:
    if not isinstance(digest, str):
        return None
    m = BLOB_RE.match(digest)
    return os.path.join(root, "blobs", f"sha256-{m.group(1)}") if m else None


def tags_for_blob(root: str, blob_name: str) -> list[Manifest]:
    """The tags whose manifest names this blob."""
    m = BLOB_RE.match(blob_name)
    if not m:
        return []
    want = f"sha256:{m.group(1)}"
    found = []
    for man in manifests(root):
        data = read_capped(man.path, MANIFEST_CAP)
        if data and want.encode() in data:
            found.append(man)
    return found


def manifest_facts(root: str, man: Manifest) -> Facts:
    """One tag: its model layer inspected as GGUF, plus the tag and the small text layers as evidence."""
    layers = _layers(man.path)
    model_blob = None
    texts: dict[str, str] = {}
    extra: list[str] = []
    for layer in layers:
        media = str(layer.get("mediaType", ""))
        kind = media[len(_MEDIA):] if media.startswith(_MEDIA) else media
        blob = _blob(root, layer.get("digest"))
        if kind == "model" and model_blob is None:
            model_blob = blob
        elif kind in ("template", "system", "license", "params") and blob:
            data = read_capped(blob, TEXT_LAYER_CAP) if os.path.isfile(blob) else None
            if data is not None:
                texts[kind] = data.decode("utf-8", errors="replace")
        elif kind in ("adapter", "projector", "embed"):
            extra.append(kind)
    rel_blob = os.path.relpath(model_blob, root) if model_blob else None
    if model_blob and os.path.isfile(model_blob):
        f = describe.gguf_facts(model_blob, rel_blob or "")
        f.path = man.rel
    else:
        f = Facts(path=man.rel, format="ollama")
        f.error(f"{man.rel}: the model layer's blob is missing from the store")
    f.format = "ollama"
    f.hub_ids.insert(0, HubId(man.tag, "ollama", "Ollama manifest path (registry/namespace/model/tag)", man.rel))
    f.claim("hub-id", man.tag, "Ollama manifest path", man.rel)
    if "template" in texts:
        describe.add_template(f, texts["template"], "Ollama template layer")
    if "system" in texts:
        f.set_meta("ollama.system", texts["system"])
    if "params" in texts:
        f.set_meta("ollama.params", texts["params"])
    if "license" in texts and f.license is None:
        first = next((ln.strip() for ln in texts["license"].splitlines() if ln.strip()), "")
        if first:
            f.license = (first[:120], "Ollama license layer (first line)")
            f.claim("license", first[:120], "Ollama license layer")
    for kind in extra:
        f.lineage.append(f"Ollama {kind} layer present" + (": a LoRA applied on top of the base weights"
                                                          if kind == "adapter" else ""))
    return f
