"""safetensors: the JSON header (tensor names, dtypes, shapes, `__metadata__`) and sharded index files.

Layout: an 8-byte little-endian header length N, N bytes of JSON, then raw tensor data. We read
the first 8 + N bytes only, and refuse an N that is larger than the file or than the format's own
100 MB limit (https://github.com/huggingface/safetensors, "Format").
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import dataclass, field

from upstream.artifacts.binio import ArtifactError, Truncated

HEADER_CAP = 100_000_000
INDEX_CAP = 64 << 20
MAX_TENSORS = 1 << 20

_LAYER_RE = re.compile(r"\.(?:layers|h|layer|blocks|block)\.(\d+)\.")
_EMBED_SUFFIXES = ("embed_tokens.weight", "wte.weight", "word_embeddings.weight", "tok_embeddings.weight",
                   "embedding.weight", "embeddings.weight")
# Tensor-name conventions -> what they suggest (hints, never an identity).
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("self_attn.q_proj", "decoder with q/k/v projections (Llama-style naming)"),
    ("attn.c_attn", "GPT-2-style fused attention"),
    ("attention.self.query", "BERT-style encoder"),
    ("kv_a_proj_with_mqa", "multi-head latent attention (DeepSeek-V2/V3 class, also reused by others)"),
    ("mlp.experts.", "mixture of experts"),
    ("block_sparse_moe", "mixture of experts (Mixtral-style naming)"),
    ("self_attn.q_norm", "QK-norm attention (Qwen3 / Gemma 3 / OLMo 2 style)"),
    ("lora_A", "LoRA adapter weights"),
    (".qweight", "GPTQ/AWQ packed integer weights"),
    ("weight_scale", "quantized weights with scales (FP8 / compressed-tensors)"),
    ("vision_tower", "vision encoder (multimodal)"),
    ("visual.", "vision encoder (multimodal)"),
)


@dataclass(slots=True)
class SafetensorsHeader:
    header_len: int
    metadata: dict[str, str] = field(default_factory=dict)
    tensors: int = 0
    parameters: int = 0
    dtypes: dict[str, int] = field(default_factory=dict)  # dtype -> tensor count
    data_end: int = 0  # 8 + N + the largest data offset
    file_size: int = 0
    vocab_size: int | None = None
    hidden_size: int | None = None
    layers: int | None = None
    hints: list[str] = field(default_factory=list)

    @property
    def weights_complete(self) -> bool:
        return self.file_size >= self.data_end


def is_safetensors(head: bytes, size: int) -> bool:
    """Cheap test: a plausible length followed by a JSON object."""
    if len(head) < 10:
        return False
    (n,) = struct.unpack_from("<Q", head)
    return 2 <= n <= min(HEADER_CAP, size - 8) and head[8:9] == b"{"


def parse_header(raw: bytes, header_len: int, file_size: int) -> SafetensorsHeader:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise ArtifactError("safetensors header is not valid JSON") from None
    if not isinstance(doc, dict):
        raise ArtifactError("safetensors header is not a JSON object")
    h = SafetensorsHeader(header_len=header_len, file_size=file_size)
    meta = doc.pop("__metadata__", None)
    if isinstance(meta, dict):
        h.metadata = {str(k): str(v)[:4096] for k, v in list(meta.items())[:256]}
    if len(doc) > MAX_TENSORS:
        raise ArtifactError(f"{len(doc)} tensors is more than we accept")
    layers = -1
    seen_hints: set[str] = set()
    for name, info in doc.items():
        if not isinstance(info, dict):
            raise ArtifactError(f"tensor {name!r} has no description")
        shape = info.get("shape")
        offsets = info.get("data_offsets")
        dtype = info.get("dtype")
        if (not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape)
                or not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and o >= 0 for o in offsets) or not isinstance(dtype, str)):
            raise ArtifactError(f"tensor {name!r} is malformed")
        n = 1
        for d in shape:
            n *= d
        h.parameters += n
        h.tensors += 1
        h.dtypes[dtype] = h.dtypes.get(dtype, 0) + 1
        h.data_end = max(h.data_end, 8 + header_len + offsets[1])
        if len(shape) == 2 and name.endswith(_EMBED_SUFFIXES) and h.vocab_size is None:
            h.vocab_size, h.hidden_size = shape
        m = _LAYER_RE.search(name)
        if m:
            layers = max(layers, int(m.group(1)))
        for marker, hint in _NAME_HINTS:
            if hint not in seen_hints and marker in name:
                seen_hints.add(hint)
                h.hints.append(hint)
    if layers >= 0:
        h.layers = layers + 1
    return h


def read_file(path: str) -> SafetensorsHeader:
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        pre = fh.read(8)
        if len(pre) < 8:
            raise Truncated("file ends inside the safetensors length prefix")
        (n,) = struct.unpack("<Q", pre)
        if n > HEADER_CAP:
            raise ArtifactError(f"declared header length {n} is absurd (limit {HEADER_CAP})")
        if n > size - 8:
            raise Truncated(f"declared header length {n} is past the end of the {size}-byte file")
        raw = fh.read(n)
    return parse_header(raw, n, size)


@dataclass(slots=True)
class ShardIndex:
    total_size: int | None
    shards: list[str]  # file names, in first-seen order
    tensors: int
    metadata: dict[str, str]


def read_index(data: bytes) -> ShardIndex:
    """A `*.safetensors.index.json`: which shard holds which tensor."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise ArtifactError("index is not valid JSON") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("weight_map"), dict):
        raise ArtifactError("index has no weight_map")
    shards: dict[str, None] = {}
    for v in doc["weight_map"].values():
        if isinstance(v, str) and "/" not in v and "\\" not in v and v not in (".", ".."):
            shards.setdefault(v, None)
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    total = meta.get("total_size") if isinstance(meta, dict) else None
    return ShardIndex(total if isinstance(total, int) else None, list(shards), len(doc["weight_map"]),
                      {str(k): str(v)[:300] for k, v in (meta or {}).items() if k != "total_size"})
