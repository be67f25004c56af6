"""One model file -> Facts: the format readers' findings, each with the key it was read from."""

from __future__ import annotations

import os
from typing import cast

from upstream.artifacts import gguf, onnx, pickle_scan, safetensors
from upstream.artifacts.binio import ArtifactError, read_head
from upstream.artifacts.facts import Facts, HubId, Name, Template, Vocab
from upstream.artifacts.hub import hf_id
from upstream.artifacts.types import ArtifactFile, ArtifactFormat, BaseModelRef, DatasetRef, Safety, Verdict

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".mar")
# Jinja constructs that reach Python internals: a chat template with these is an attack (SSTI), not a template.
_SSTI_MARKERS = ("__class__", "__subclasses__", "__globals__", "__builtins__", "__import__", "__mro__", "__base__",
                 "__init__.__", "popen(", "os.system", "subprocess", "eval(", "exec(")
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_GGML_MAGICS = {b"lmgg": "ggml", b"fmgg": "ggmf", b"tjgg": "ggjt", b"algg": "ggla"}


def sniff(path: str, name: str) -> str | None:
    """The format of a file from its first bytes (and suffix, for pickles and ONNX)."""
    head = read_head(path, 48)
    low = name.lower()
    if head.startswith(LFS_POINTER):
        return "lfs-pointer"
    if gguf.is_gguf(head) or low.endswith(".gguf"):
        return "gguf"
    if head[:4] in _GGML_MAGICS:
        return "ggml"
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    if low.endswith(".safetensors") or safetensors.is_safetensors(head, size):
        return "safetensors"
    if low.endswith(".onnx"):
        return "onnx"
    if low.endswith((".pkl", ".pickle", ".joblib", ".pt", ".pth", ".ckpt")):
        return "pickle"  # torch.load takes any pickle from these, protocol 0 included
    if low.endswith(PICKLE_SUFFIXES) and pickle_scan.looks_like_pickle(head, loose=True):
        return "pickle"
    return None


def _template_findings(f: Facts, text: str, source: str) -> None:
    hits = [m for m in _SSTI_MARKERS if m in text]
    if hits:
        f.finding("suspicious-chat-template", "error",
                  f"{source} reaches Python internals ({', '.join(hits[:4])}): rendering it with an unsandboxed "
                  "Jinja environment runs code (template injection)")
        f.safety.append(Safety(format="chat-template", executes_code=True, verdict="dangerous",
                               notes=[f"{source} contains {', '.join(hits[:4])}"]))


def add_template(f: Facts, text: str, source: str, path: str | None = None) -> None:
    f.templates.append(Template(text, source, path))
    _template_findings(f, text, source)


def _kv_str(h: gguf.GGUFHeader, key: str) -> str | None:
    v = h.get_str(key)
    return v.strip() if v and v.strip() else None


def _compose_name(h: gguf.GGUFHeader) -> str | None:
    """llama.cpp's naming convention: <basename>-<size_label>-<finetune>-<version>."""
    base = _kv_str(h, "general.basename")
    if not base:
        return None
    parts = [base]
    for key in ("general.size_label", "general.finetune", "general.version"):
        v = _kv_str(h, key)
        if v and v.lower() not in base.lower():
            parts.append(v)
    name = "-".join(p.replace(" ", "-") for p in parts)
    return name[:-5] if name.lower().endswith("-gguf") else name


def _gguf_lineage(f: Facts, h: gguf.GGUFHeader) -> None:
    count = h.get_int("general.base_model.count") or 0
    for i in range(min(count, 32)):
        p = f"general.base_model.{i}."
        url = _kv_str(h, p + "repo_url") or _kv_str(h, p + "url")
        name = _kv_str(h, p + "name")
        org = _kv_str(h, p + "organization") or _kv_str(h, p + "author")
        f.base_models.append(BaseModelRef(name=name, hub_id=hf_id(url or ""), organization=org,
                                          version=_kv_str(h, p + "version"), url=url, source=f"{p}*"))
        f.claim("base-model", url or name or "?", f"{p}*")
    dcount = h.get_int("general.dataset.count") or 0
    for i in range(min(dcount, 64)):
        p = f"general.dataset.{i}."
        url = _kv_str(h, p + "repo_url") or _kv_str(h, p + "url")
        f.datasets.append(DatasetRef(name=_kv_str(h, p + "name"), hub_id=hf_id(url or ""),
                                     organization=_kv_str(h, p + "organization"), url=url, source=f"{p}*"))
    src = (_kv_str(h, "general.source.repo_url") or _kv_str(h, "general.source.url")
           or _kv_str(h, "general.source.huggingface.repository"))
    if src:
        sid = hf_id(src) or (src if src.count("/") == 1 and " " not in src else None)
        f.base_models.append(BaseModelRef(name=None, hub_id=sid, url=src, relation="source",
                                          source="general.source.*"))
        f.claim("base-model", src, "general.source.* (converted from)")
        if sid:
            f.hub_ids.append(HubId(sid, "huggingface", "general.source.* (the model this file was converted from)"))


def gguf_facts(path: str, rel: str, header: gguf.GGUFHeader | None = None) -> Facts:
    h = header or gguf.read_file(path)
    f = Facts(path=rel, format="gguf")
    complete = h.weights_complete
    note = None
    if h.truncated:
        note = f"file ends inside the {h.truncated} section of the header"
    elif complete is False and h.data_end:
        note = f"holds {h.file_size:,} of the {h.data_end:,} bytes its tensor table points to"
    f.files.append(ArtifactFile(path=rel, size=h.file_size, format="gguf", complete=complete is not False, note=note))
    f.claim("format", f"GGUF v{h.version}" + (" (big-endian)" if h.big_endian else ""), "magic + version")
    split_count = h.get_int("split.count")
    split_no = h.get_int("split.no")
    if split_count and split_count > 1:
        f.set_meta("split", f"part {(split_no or 0) + 1} of {split_count}")
    composed = _compose_name(h)
    if composed:
        f.names.append(Name(composed, "general.basename + size_label + finetune", "declared"))
    for key in ("general.name", "general.basename"):
        v = _kv_str(h, key)
        if v:
            f.names.append(Name(v, key, "declared"))
            f.claim("name", v, key)
    org = _kv_str(h, "general.organization") or _kv_str(h, "general.author")
    if org:
        f.organization = (org, "general.organization" if h.get_str("general.organization") else "general.author")
        f.claim("organization", org, f.organization[1])
    for key in ("general.repo_url", "general.url"):
        v = _kv_str(h, key)
        if v and hf_id(v):
            f.hub_ids.append(HubId(hf_id(v) or v, "huggingface", key))
            f.claim("hub-id", v, key)
    _gguf_lineage(f, h)
    arch = _kv_str(h, "general.architecture")
    if arch:
        f.architecture = (arch, "general.architecture")
        f.claim("architecture", arch, "general.architecture")
        ctx = h.get_int(f"{arch}.context_length")
        if ctx:
            f.context_length = ctx
    f.size_label = _kv_str(h, "general.size_label")
    ftype = h.get_int("general.file_type")
    if ftype is not None:
        f.quantization = gguf.FILE_TYPES.get(ftype, f"file_type {ftype}")
        f.claim("quantization", f.quantization, "general.file_type")
    elif h.tensor_types:
        f.quantization = max(h.tensor_types.items(), key=lambda kv: kv[1])[0]
        f.claim("quantization", f.quantization, "most common tensor type")
    lic = _kv_str(h, "general.license") or _kv_str(h, "general.license.name")
    if lic:
        f.license = (lic, "general.license")
        f.claim("license", lic, "general.license")
    f.tokenizer_model = _kv_str(h, "tokenizer.ggml.model")
    f.tokenizer_pre = _kv_str(h, "tokenizer.ggml.pre")
    if h.tokens:
        partial = h.tokens_declared is not None and len(h.tokens) < h.tokens_declared
        f.vocab = Vocab(h.tokens, "tokenizer.ggml.tokens", partial)
    elif h.tokens_declared:
        f.vocab_size = (h.tokens_declared, "tokenizer.ggml.tokens (count)")
    for key, value in h.kv.items():
        if key == "tokenizer.chat_template" or key.startswith("tokenizer.chat_template."):
            if isinstance(value, str):
                add_template(f, value, key)
        elif isinstance(value, (str, int, float)) and (key.startswith(("general.", "split.")) or (
                arch and key.startswith(arch + ".")) or key in ("tokenizer.ggml.model", "tokenizer.ggml.pre")):
            if len(f.metadata) < 200:
                f.set_meta(key, value)
        elif isinstance(value, list) and key in ("general.tags", "general.languages"):
            f.set_meta(key, ", ".join(str(x) for x in value))
    qb = _kv_str(h, "general.quantized_by")
    if qb:
        f.lineage.append(f"quantized by {qb} (general.quantized_by)")
    if h.tensors_read:
        f.parameters = h.parameters
        f.parameters_partial = h.truncated is not None or bool(split_count and split_count > 1)
        f.claim("parameters", f"{h.parameters:,} in {h.tensors_read} tensors", "tensor table")
    if h.truncated:
        f.finding("truncated-file", "warning",
                  f"{rel}: the file ends inside its {h.truncated} section; what was read before that point is "
                  "reported" + (" (the tensor table is incomplete)" if h.truncated == "tensors" else ""))
        f.error(f"{rel}: truncated in the {h.truncated} section")
    elif complete is False:
        f.finding("incomplete-weights", "warning", f"{rel}: {note}: the weights are incomplete "
                  "(a truncated download, or one chunk of a file split by bytes)")
    f.safety.append(Safety(format="gguf", executes_code=False, verdict="safe",
                           notes=["GGUF holds tensors and metadata only; loading it runs no code"]))
    return f


_MODELSPEC = {"modelspec.title": "name", "modelspec.author": "organization", "modelspec.license": "license",
              "modelspec.architecture": "architecture", "name": "name", "model_name": "name", "license": "license",
              "base_model": "base", "ss_sd_model_name": "base", "ss_base_model_version": "meta"}


def safetensors_facts(path: str, rel: str) -> Facts:
    h = safetensors.read_file(path)
    f = Facts(path=rel, format="safetensors")
    f.files.append(ArtifactFile(path=rel, size=h.file_size, format="safetensors", complete=h.weights_complete,
                                note=None if h.weights_complete else
                                f"holds {h.file_size:,} of the {h.data_end:,} bytes its header describes"))
    f.parameters = h.parameters
    f.claim("parameters", f"{h.parameters:,} in {h.tensors} tensors ({', '.join(sorted(h.dtypes))})", "header")
    for key, value in h.metadata.items():
        f.set_meta(f"__metadata__.{key}", value)
        role = _MODELSPEC.get(key)
        if role == "name" and value.strip():
            f.names.append(Name(value.strip(), f"__metadata__.{key}", "declared"))
            f.claim("name", value, f"__metadata__.{key}")
        elif role == "organization" and value.strip():
            f.organization = (value.strip(), f"__metadata__.{key}")
        elif role == "license" and value.strip():
            f.license = (value.strip(), f"__metadata__.{key}")
            f.claim("license", value, f"__metadata__.{key}")
        elif role == "architecture" and value.strip():
            f.architecture = (value.strip(), f"__metadata__.{key}")
        elif role == "base" and value.strip():
            f.base_models.append(BaseModelRef(name=value.strip(), hub_id=hf_id(value.strip()),
                                              relation="adapter" if key.startswith("ss_") else "unknown",
                                              source=f"__metadata__.{key}"))
            f.claim("base-model", value, f"__metadata__.{key}")
    if h.vocab_size:
        f.vocab_size = (h.vocab_size, "embedding tensor shape")
    if h.layers:
        f.set_meta("layers (from tensor names)", h.layers)
    for hint in h.hints:
        f.claim("architecture", hint, "tensor names")
    fp8 = [d for d in h.dtypes if d.startswith("F8")]
    if fp8:
        f.quantization = "FP8 (" + ", ".join(fp8) + ")"
    elif any("packed integer" in x for x in h.hints):
        f.quantization = "GPTQ/AWQ (packed integer weights)"
    if not h.weights_complete:
        f.finding("incomplete-weights", "warning",
                  f"{rel}: holds {h.file_size:,} of the {h.data_end:,} bytes its header describes")
    f.safety.append(Safety(format="safetensors", executes_code=False, verdict="safe",
                           notes=["safetensors holds tensors and a JSON header only; loading it runs no code"]))
    return f


def pickle_facts(path: str, rel: str) -> Facts:
    scan = pickle_scan.scan_file(path)
    fmt: ArtifactFormat = "torchscript" if scan.format == "torchscript" else (
        "pytorch" if scan.format.startswith("pytorch") else "pickle")
    f = Facts(path=rel, format=fmt)
    f.files.append(ArtifactFile(path=rel, size=os.path.getsize(path), format=fmt,
                                note=scan.format if scan.format != fmt else None))
    f.claim("format", scan.format, "magic bytes")
    notes = list(scan.notes[:8])
    if scan.unresolved:
        notes.append(f"{scan.unresolved} import(s) whose names are computed, not written: hidden on purpose")
    if scan.extensions:
        notes.append(f"copyreg extension codes {scan.extensions[:5]}: resolved only at load time")
    verdict = cast(Verdict, scan.verdict)
    label = "pickle" if scan.format == "pickle" else f"{scan.format} (pickle)"
    f.safety.append(Safety(format=label, executes_code=True, verdict=verdict,
                           imports=scan.globals[:200], dangerous=scan.dangerous, notes=notes))
    if verdict == "dangerous":
        what = ", ".join(scan.dangerous[:5]) or "imports it hides"
        f.finding("unsafe-pickle", "error", f"{rel}: loading this file runs {what}: never load it with "
                  "pickle / torch.load(weights_only=False)")
    elif scan.unknown:
        f.finding("pickle-imports-code", "warning",
                  f"{rel}: loading it imports {', '.join(scan.unknown[:4])}"
                  + (f" and {len(scan.unknown) - 4} more" if len(scan.unknown) > 4 else "")
                  + ": code outside the tensor / array rebuild functions")
    if not scan.complete:
        f.error(f"{rel}: pickle walk incomplete ({'; '.join(scan.notes[:2])})")
    return f


def onnx_facts(path: str, rel: str) -> Facts:
    info = onnx.read_file(path)
    f = Facts(path=rel, format="onnx")
    f.files.append(ArtifactFile(path=rel, size=os.path.getsize(path), format="onnx", complete=info.complete,
                                note="weights in external data files" if info.external_data else None))
    if info.producer_name:
        producer = f"{info.producer_name} {info.producer_version or ''}".strip()
        f.set_meta("producer", producer)
        f.claim("format", f"ONNX IR v{info.ir_version}, produced by {producer}", "producer_name / producer_version")
    for key, value in info.metadata.items():
        f.set_meta(f"metadata_props.{key}", value)
        if key.lower() in ("name", "model_name", "title") and value.strip():
            f.names.append(Name(value.strip(), f"metadata_props.{key}", "declared"))
            f.claim("name", value, f"metadata_props.{key}")
        if key.lower() == "license" and value.strip():
            f.license = (value.strip(), f"metadata_props.{key}")
    if info.graph_name:
        f.set_meta("graph", info.graph_name)
    if info.opsets:
        f.set_meta("opsets", ", ".join(f"{k} {v}" for k, v in sorted(info.opsets.items())))
    if info.domain:
        f.set_meta("domain", info.domain)
    if info.doc_string:
        f.set_meta("doc_string", info.doc_string)
    top = sorted(info.op_types.items(), key=lambda kv: -kv[1])[:8]
    if top:
        f.set_meta("ops", ", ".join(f"{k}x{v}" for k, v in top), limit=400)
    if info.initializers:
        f.parameters = info.parameters
        f.parameters_partial = not info.complete
    custom = [d for d in info.opsets if d not in ("ai.onnx", "", "ai.onnx.ml", "com.microsoft")]
    notes = ["ONNX holds a graph and tensors; loading it runs no Python code"]
    if custom:
        notes.append(f"custom operator domains {custom}: the runtime needs their native libraries")
    f.safety.append(Safety(format="onnx", executes_code=False, verdict="review" if custom else "safe", notes=notes))
    for n in info.notes:
        f.error(f"{rel}: {n}")
    return f


def ggml_facts(path: str, rel: str) -> Facts:
    f = Facts(path=rel, format="ggml")
    magic = read_head(path, 4)
    f.files.append(ArtifactFile(path=rel, size=os.path.getsize(path), format="ggml",
                                note=f"legacy {_GGML_MAGICS.get(magic, 'ggml')} file (before GGUF)"))
    f.claim("format", _GGML_MAGICS.get(magic, "ggml"), "magic")
    f.finding("legacy-format", "info", f"{rel}: a pre-GGUF ggml file: it carries no names or lineage metadata")
    f.safety.append(Safety(format="ggml", executes_code=False, verdict="safe"))
    return f


def file_facts(path: str, rel: str) -> Facts | None:
    """Facts for one file, or None when it is not a model format we read. Raises ArtifactError when broken."""
    fmt = sniff(path, os.path.basename(path))
    if fmt == "lfs-pointer":
        raise ArtifactError("a Git LFS pointer: the weights are not in this checkout")
    if fmt == "gguf":
        return gguf_facts(path, rel)
    if fmt == "ggml":
        return ggml_facts(path, rel)
    if fmt == "safetensors":
        return safetensors_facts(path, rel)
    if fmt == "onnx":
        return onnx_facts(path, rel)
    if fmt == "pickle":
        return pickle_facts(path, rel)
    return None


__all__ = ["ArtifactError", "add_template", "file_facts", "gguf_facts", "onnx_facts", "pickle_facts",
           "safetensors_facts", "sniff"]
