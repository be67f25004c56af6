"""Hugging Face model folders and the HF cache layout, read as evidence (small files, with caps).

config.json, generation_config.json, tokenizer files, chat templates, the README's YAML front
matter (yaml.safe_load only), PEFT adapter_config.json, sentence-transformers and diffusers
markers, Mistral params.json, and the cache path `models--org--name/snapshots/<revision>/`.
Weights in the folder (safetensors, pickles, ONNX) are read header-only by describe.py.
"""

from __future__ import annotations

import json
import os
from typing import Any, cast

import yaml

from upstream.artifacts import describe, safetensors, vocab
from upstream.artifacts.binio import ArtifactError, read_capped
from upstream.artifacts.facts import Facts, HubId, Name, Vocab
from upstream.artifacts.hub import hf_cache_repo, hf_id, is_revision
from upstream.artifacts.types import BaseModelRef, BaseRelation, DatasetRef

JSON_CAP = 8 << 20
README_CAP = 1 << 20
TOKENIZER_CAP = 48 << 20
VOCAB_CAP = 32 << 20
MAX_WEIGHT_FILES = 64
MAX_SHARDS = 2000
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".msgpack", ".h5")
MARKER_FILES = ("config.json", "adapter_config.json", "model_index.json", "params.json", "modules.json",
                "model.safetensors.index.json", "pytorch_model.bin.index.json")
_BASE_RELATIONS = {"adapter", "merge", "quantized", "finetune"}


def _json(path: str, cap: int = JSON_CAP) -> Any:
    try:
        data = read_capped(path, cap)
    except OSError:
        return None
    if data is None:
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _count(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def is_model_folder(path: str, names: list[str] | None = None) -> bool:
    """A folder holding a model: a marker file, or weights next to a tokenizer."""
    try:
        names = names if names is not None else os.listdir(path)
    except OSError:
        return False
    if any(n in names for n in MARKER_FILES if n != "config.json"):
        return True
    if "config.json" in names:
        cfg = _json(os.path.join(path, "config.json"), 1 << 20)
        if isinstance(cfg, dict) and ("model_type" in cfg or "architectures" in cfg or "_name_or_path" in cfg):
            return True
    has_weights = any(n.endswith((".safetensors", ".onnx")) or n.startswith("pytorch_model") for n in names)
    has_tok = any(n in ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.txt") for n in names)
    return has_weights and has_tok


def front_matter(text: str) -> dict[str, Any] | None:
    """The YAML front matter of a model card (between the leading `---` lines), parsed safely."""
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    if end < 0:
        return None
    try:
        doc = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return None
    return doc if isinstance(doc, dict) else None


def _as_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [str(x) for x in v if isinstance(x, (str, int, float))][:64]
    return []


def _readme(f: Facts, folder: str, rel: str) -> None:
    data = _head_text(os.path.join(folder, "README.md"), README_CAP)
    doc = front_matter(data.decode("utf-8", errors="replace").lstrip("\ufeff")) if data else None
    if not doc:
        return
    src = f"{rel}/README.md" if rel else "README.md"
    relation = str(doc.get("base_model_relation") or "").strip().lower()
    for b in _as_list(doc.get("base_model")):
        rel_kind = cast(BaseRelation, relation if relation in _BASE_RELATIONS else "unknown")
        f.base_models.append(BaseModelRef(name=b, hub_id=hf_id(b), relation=rel_kind,
                                          source=f"{src} front matter base_model"))
        f.claim("base-model", b, "front matter base_model", src)
    lic = doc.get("license")
    if isinstance(lic, str) and lic.strip():
        name = doc.get("license_name") if lic.strip().lower() == "other" else None
        value = f"other ({name})" if isinstance(name, str) and name else lic.strip()
        f.license = (value, f"{src} front matter license")
        f.claim("license", value, "front matter license", src)
    for d in _as_list(doc.get("datasets")):
        f.datasets.append(DatasetRef(name=d, hub_id=hf_id(d), source=f"{src} front matter datasets"))
    for key in ("pipeline_tag", "library_name", "model_name", "license_link"):
        v = doc.get(key)
        if isinstance(v, str):
            f.set_meta(f"README.{key}", v)
    for key in ("tags", "language"):
        vals = _as_list(doc.get(key))
        if vals:
            f.set_meta(f"README.{key}", ", ".join(vals[:20]))
    index = doc.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict) and isinstance(index[0].get("name"), str):
        f.names.append(Name(index[0]["name"], "front matter model-index name", "declared", src))


def _head_text(path: str, n: int) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return None


def _config(f: Facts, folder: str, rel: str) -> None:
    cfg = _json(os.path.join(folder, "config.json"))
    if not isinstance(cfg, dict):
        return
    src = f"{rel}/config.json" if rel else "config.json"
    archs = cfg.get("architectures")
    if isinstance(archs, list) and archs and isinstance(archs[0], str):
        f.architecture = (archs[0], f"{src} architectures")
        f.claim("architecture", archs[0], "config.json architectures", src)
    mtype = cfg.get("model_type")
    if isinstance(mtype, str):
        f.set_meta("config.model_type", mtype)
        if f.architecture is None:
            f.architecture = (mtype, f"{src} model_type")
    text_cfg: dict[str, Any] = cfg["text_config"] if isinstance(cfg.get("text_config"), dict) else {}
    name_or_path = cfg.get("_name_or_path")
    if isinstance(name_or_path, str) and name_or_path.strip():
        f.set_meta("config._name_or_path", name_or_path)
        nid = hf_id(name_or_path)
        if nid:
            f.base_models.append(BaseModelRef(name=name_or_path, hub_id=nid, relation="unknown",
                                              source=f"{src} _name_or_path"))
    v = cfg.get("vocab_size", text_cfg.get("vocab_size"))
    if isinstance(v, int) and _count(v) and f.vocab_size is None:
        f.vocab_size = (v, f"{src} vocab_size")
    for key in ("max_position_embeddings", "max_sequence_length", "n_positions", "seq_length"):
        v = cfg.get(key, text_cfg.get(key))
        if _count(v):
            f.context_length = v
            break
    for key in ("hidden_size", "num_hidden_layers", "num_attention_heads", "torch_dtype", "dtype",
                "transformers_version", "num_local_experts", "n_routed_experts"):
        v = cfg.get(key, text_cfg.get(key))
        if isinstance(v, (str, int, float)):
            f.set_meta(f"config.{key}", v)
    q = cfg.get("quantization_config")
    if isinstance(q, dict):
        method = q.get("quant_method") or q.get("quant_type")
        method = method if isinstance(method, str) else "quantized"
        bits = q.get("bits") or ("4" if q.get("load_in_4bit") else "8" if q.get("load_in_8bit") else None)
        bits = bits if isinstance(bits, (int, str)) else None
        f.quantization = f"{method}" + (f" {bits}-bit" if bits else "")
        f.claim("quantization", f.quantization, "config.json quantization_config", src)


def _generation(f: Facts, folder: str) -> None:
    """generation_config.json: the stop tokens and sampling defaults the model ships with."""
    cfg = _json(os.path.join(folder, "generation_config.json"), 1 << 20)
    if not isinstance(cfg, dict):
        return
    for key in ("bos_token_id", "eos_token_id", "temperature", "top_p", "top_k", "transformers_version"):
        v = cfg.get(key)
        if isinstance(v, (str, int, float)) or (isinstance(v, list) and len(v) <= 16):
            f.set_meta(f"generation_config.{key}", ", ".join(map(str, v)) if isinstance(v, list) else v)


def _adapter(f: Facts, folder: str, rel: str) -> None:
    cfg = _json(os.path.join(folder, "adapter_config.json"))
    if not isinstance(cfg, dict):
        return
    src = f"{rel}/adapter_config.json" if rel else "adapter_config.json"
    f.format = "peft-adapter"
    base = cfg.get("base_model_name_or_path")
    if isinstance(base, str) and base.strip():
        f.base_models.insert(0, BaseModelRef(name=base, hub_id=hf_id(base), relation="adapter",
                                             source=f"{src} base_model_name_or_path"))
        f.claim("base-model", base, "adapter_config.json base_model_name_or_path", src)
        f.lineage.append(f"PEFT adapter: runs on top of {base}")
    for key in ("peft_type", "task_type", "r", "lora_alpha"):
        v = cfg.get(key)
        if isinstance(v, (str, int, float)):
            f.set_meta(f"adapter.{key}", v)


def _tokenizer(f: Facts, folder: str, rel: str, names: list[str]) -> None:
    def p(n: str) -> str:
        return f"{rel}/{n}" if rel else n

    tcfg = _json(os.path.join(folder, "tokenizer_config.json"))
    if isinstance(tcfg, dict):
        tmpl = tcfg.get("chat_template")
        if isinstance(tmpl, str):
            describe.add_template(f, tmpl, "tokenizer_config.json chat_template", p("tokenizer_config.json"))
        elif isinstance(tmpl, list):
            for t in tmpl[:8]:
                if isinstance(t, dict) and isinstance(t.get("template"), str):
                    describe.add_template(f, t["template"], f"tokenizer_config.json chat_template[{t.get('name')}]",
                                          p("tokenizer_config.json"))
        cls = tcfg.get("tokenizer_class")
        if isinstance(cls, str):
            f.set_meta("tokenizer_config.tokenizer_class", cls)
    for n in ("chat_template.jinja",):
        if n in names:
            data = read_capped(os.path.join(folder, n), 1 << 20)
            if data:
                describe.add_template(f, data.decode("utf-8", errors="replace"), n, p(n))
    loaders: list[tuple[str, int, str]] = [("tokenizer.json", TOKENIZER_CAP, "json"), ("tekken.json", TOKENIZER_CAP,
                                           "tekken"), ("vocab.json", VOCAB_CAP, "vocab.json"),
                                          ("tokenizer.model", VOCAB_CAP, "sp"), ("vocab.txt", VOCAB_CAP, "txt")]
    loaders += [(n, VOCAB_CAP, "tiktoken") for n in sorted(names) if n.endswith(".tiktoken")]
    for name, cap, kind in loaders:
        if name not in names:
            continue
        try:
            data = read_capped(os.path.join(folder, name), cap)
            if data is None:
                f.error(f"{p(name)}: larger than {cap >> 20} MiB; vocabulary not read")
                continue
            if kind == "json":
                loaded = vocab.from_tokenizer_json(vocab.load_json(data))
            elif kind == "tekken":
                loaded = vocab.from_tekken(vocab.load_json(data))
            elif kind == "vocab.json":
                loaded = vocab.from_vocab_json(vocab.load_json(data))
            elif kind == "sp":
                loaded = vocab.from_sentencepiece(data)
            elif kind == "txt":
                loaded = vocab.from_vocab_txt(data)
            else:
                loaded = vocab.from_tiktoken(data)
        except (ArtifactError, OSError) as exc:
            f.error(f"{p(name)}: {exc}")
            continue
        f.vocab = Vocab(loaded.tokens, name, path=p(name))
        f.tokenizer_model = loaded.model
        f.claim("tokenizer", f"{loaded.model}, {len(loaded.tokens):,} tokens", name, p(name))
        return


def _weights(f: Facts, folder: str, rel: str, names: list[str]) -> None:
    def p(n: str) -> str:
        return f"{rel}/{n}" if rel else n

    done: set[str] = set()
    for index_name in sorted(n for n in names if n.endswith(".safetensors.index.json")):
        data = read_capped(os.path.join(folder, index_name), safetensors.INDEX_CAP)
        if data is None:
            f.error(f"{p(index_name)}: too large")
            continue
        try:
            idx = safetensors.read_index(data)
        except ArtifactError as exc:
            f.error(f"{p(index_name)}: {exc}")
            continue
        done.add(index_name)
        missing = [s for s in idx.shards if s not in names]
        if missing:
            f.finding("missing-shards", "warning", f"{p(index_name)} lists {len(idx.shards)} shard(s); "
                      f"{len(missing)} are not in the folder ({', '.join(missing[:3])})")
            f.parameters_partial = True
        for shard in idx.shards[:MAX_SHARDS]:
            if shard in names:
                _one(f, os.path.join(folder, shard), p(shard))
                done.add(shard)
    weights = sorted(n for n in names if n.endswith(WEIGHT_SUFFIXES) and n not in done)
    for n in weights[:MAX_WEIGHT_FILES]:
        _one(f, os.path.join(folder, n), p(n))
    if len(weights) > MAX_WEIGHT_FILES:
        f.error(f"{len(weights)} weight files; read {MAX_WEIGHT_FILES}")


def _one(f: Facts, path: str, rel: str) -> None:
    try:
        sub = describe.file_facts(path, rel)
    except (ArtifactError, OSError, ValueError) as exc:
        f.error(f"{rel}: {exc}")
        return
    if sub is None or sub.format == "gguf":  # GGUF files are artifacts of their own
        return
    fmt = f.format
    f.absorb(sub)
    f.format = fmt


def _markers(f: Facts, folder: str, names: list[str]) -> None:
    if "modules.json" in names or "config_sentence_transformers.json" in names:
        f.set_meta("library", "sentence-transformers")
    mi = _json(os.path.join(folder, "model_index.json")) if "model_index.json" in names else None
    if isinstance(mi, dict) and isinstance(mi.get("_class_name"), str):
        f.set_meta("library", "diffusers")
        f.architecture = f.architecture or (mi["_class_name"], "model_index.json _class_name")
    params = _json(os.path.join(folder, "params.json")) if "params.json" in names else None
    if isinstance(params, dict):
        for key in ("dim", "n_layers", "vocab_size", "n_heads"):
            if _count(params.get(key)):
                f.set_meta(f"params.{key}", params[key])
        if _count(params.get("vocab_size")) and f.vocab_size is None:
            f.vocab_size = (params["vocab_size"], "params.json vocab_size")


def _cache(f: Facts, folder: str) -> None:
    """Evidence from where the folder sits: the HF cache layout, or huggingface_hub's local_dir metadata."""
    found = hf_cache_repo(os.path.abspath(folder))
    if found:
        repo, revision, _ = found
        f.hub_ids.insert(0, HubId(repo, "huggingface", "HF cache folder models--<org>--<name>"))
        f.claim("hub-id", repo, "HF cache folder name")
        if revision and is_revision(revision):
            f.revision = (revision, "HF cache snapshots/<revision>")
            f.claim("revision", revision, "HF cache snapshot folder")
        return
    meta_dir = os.path.join(folder, ".cache", "huggingface", "download")
    try:
        entries = sorted(os.listdir(meta_dir))[:64]
    except OSError:
        return
    for e in entries:
        if e.endswith(".metadata"):
            data = read_capped(os.path.join(meta_dir, e), 4096)
            first = data.decode("utf-8", errors="replace").split("\n", 1)[0].strip() if data else ""
            if is_revision(first):
                f.revision = (first, f".cache/huggingface/download/{e}")
                f.claim("revision", first, "huggingface_hub local_dir metadata")
                return


def folder_facts(folder: str, rel: str, weights: bool = True) -> Facts:
    """Everything a model folder says about itself. `rel` is how paths are shown ("" for the folder itself)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise ArtifactError(f"cannot list {folder}: {exc.strerror}") from None
    f = Facts(path=rel or ".", format="hf-folder")
    rel = "" if rel == "." else rel
    _cache(f, folder)
    base = os.path.basename(os.path.abspath(folder))
    if not is_revision(base) and base not in ("snapshots", "model", "models", "."):
        f.names.append(Name(base, "folder name", "folder"))
    if "config.json" in names:
        _config(f, folder, rel)
    if "adapter_config.json" in names:
        _adapter(f, folder, rel)
    if "generation_config.json" in names:
        _generation(f, folder)
    if "README.md" in names:
        _readme(f, folder, rel)
    _markers(f, folder, names)
    _tokenizer(f, folder, rel, names)
    if weights:
        _weights(f, folder, rel, names)
        for sub in ("onnx",):
            subdir = os.path.join(folder, sub)
            if os.path.isdir(subdir):
                subnames = sorted(os.listdir(subdir))
                for n in [x for x in subnames if x.endswith(".onnx")][:16]:
                    _one(f, os.path.join(subdir, n), f"{rel}/{sub}/{n}" if rel else f"{sub}/{n}")
    return f
