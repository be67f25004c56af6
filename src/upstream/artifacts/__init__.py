"""Model artifacts: what a model file or folder really is, read header-only and never executed.

`inspect_path(path)` gives one `ArtifactCard` per artifact (a file, a split GGUF set, a Hugging Face
folder or cache snapshot, an Ollama tag); `file_card(path, rel)` does one file, with the folder
around it as context. Both `upstream inspect` and the `model-files` scan detector use them.

The readers are imported on first use, so that importing the types (part of every Report) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "ArtifactError": "upstream.artifacts.binio",
    "ArtifactCard": "upstream.artifacts.types",
    "InspectReport": "upstream.artifacts.types",
    "InspectResult": "upstream.artifacts.walk",
    "file_card": "upstream.artifacts.walk",
    "folder_card": "upstream.artifacts.walk",
    "inspect_path": "upstream.artifacts.walk",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'upstream.artifacts' has no attribute {name!r}")
    return getattr(import_module(module), name)
