"""Hub ids from what artifacts say: HF URLs and repo ids, the HF cache layout, Ollama store paths."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from upstream.detect.identifiers import hf_id_from_url, is_hf_id

_CACHE_DIR_RE = re.compile(r"^models--([A-Za-z0-9][\w.-]*?)--([A-Za-z0-9][\w.-]*)$")
_REVISION_RE = re.compile(r"^[0-9a-f]{40}$")


def hf_id(value: str) -> str | None:
    """`https://huggingface.co/Qwen/Qwen2.5-7B` or `Qwen/Qwen2.5-7B` -> `Qwen/Qwen2.5-7B`; else None."""
    v = value.strip()
    if not v:
        return None
    from_url = hf_id_from_url(v)
    if from_url:
        return from_url
    return v if is_hf_id(v) else None


def hf_cache_repo(path: str) -> tuple[str, str | None, str] | None:
    """(repo id, revision, repo dir) when `path` lies inside an HF cache repo (`models--org--name/...`).

    The revision is the snapshot folder name when the path is inside `snapshots/<revision>/`.
    """
    parts = PurePosixPath(path.replace("\\", "/")).parts
    for i in range(len(parts) - 1, -1, -1):
        m = _CACHE_DIR_RE.match(parts[i])
        if not m:
            continue
        repo = f"{m.group(1)}/{m.group(2)}"
        revision = None
        if i + 2 < len(parts) and parts[i + 1] == "snapshots":
            revision = parts[i + 2]
        return repo, revision, str(PurePosixPath(*parts[: i + 1]))
    return None


def is_revision(value: str) -> bool:
    return bool(_REVISION_RE.match(value))


def ollama_tag(registry: str, namespace: str, model: str, tag: str) -> str:
    """The name `ollama run` takes: `qwen2.5:7b`, `user/model:tag`, `host/ns/model:tag`."""
    if registry == "registry.ollama.ai":
        return f"{model}:{tag}" if namespace == "library" else f"{namespace}/{model}:{tag}"
    return f"{registry}/{namespace}/{model}:{tag}"
