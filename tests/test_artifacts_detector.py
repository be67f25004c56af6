"""The `model-files` scan detector: artifacts met in a tree become `artifact` detections, headers only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_artifacts_pickle import PROTO0_OS_SYSTEM
from test_artifacts_support import link_or_symlink, models_dir, real, write_gguf, write_safetensors  # noqa: F401

from upstream.detect.model_files import ModelFileDetector
from upstream.detect.runner import RunResult, scan_entries
from upstream.sources import Entry, WalkResult, walk

REV = "89abcdef0123456789abcdef0123456789abcdef"


def _scan(root: Path) -> RunResult:
    walked = WalkResult()
    return scan_entries(list(walk(str(root), walked)), [ModelFileDetector()], 4 << 20)


def _rchar() -> int | None:
    try:
        with open("/proc/self/io") as fh:
            return next(int(ln.split()[1]) for ln in fh if ln.startswith("rchar:"))
    except (OSError, StopIteration):
        return None


def test_real_gguf_in_a_tree_costs_a_header_read(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    src = real(models_dir, "qwen-1.5b")
    entry = Entry(path="models/model.gguf", abspath=str(src))
    before = _rchar()
    result = scan_entries([entry], [ModelFileDetector()], 4 << 20)
    after = _rchar()
    assert len(result.detections) == 1
    path, d = result.detections[0]
    assert path == "models/model.gguf"
    assert (d.value, d.kind, d.technique, d.hub, d.provider, d.confidence) == (
        "Qwen2.5-Coder-1.5B-Instruct", "artifact", "binary-analysis", "file", "gguf-file", "high")
    assert d.note and "Qwen" in d.note and "exact" in d.note
    if before is not None and after is not None:
        assert after - before < 64 << 20, "read more than headers"


def test_hf_cache_snapshot_reports_the_repo_and_revision(tmp_path: Path) -> None:
    snap = tmp_path / "hub" / "models--google--gemma-3-1b-it" / "snapshots" / REV
    snap.mkdir(parents=True)
    (snap / "config.json").write_text(json.dumps({"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text"}))
    write_safetensors(snap / "model.safetensors", {"model.embed_tokens.weight": ("BF16", (262144, 4))})
    result = _scan(tmp_path)
    assert [(d.value, d.hub, d.revision, d.provider) for _, d in result.detections] == [
        ("google/gemma-3-1b-it", "huggingface", REV, "model-file")]


def test_adapter_reports_itself_and_its_base(tmp_path: Path) -> None:
    lora = tmp_path / "adapters" / "support-bot-lora"
    lora.mkdir(parents=True)
    (lora / "adapter_config.json").write_text(
        json.dumps({"base_model_name_or_path": "meta-llama/Llama-3.1-8B-Instruct", "peft_type": "LORA"}, indent=2))
    write_safetensors(lora / "adapter_model.safetensors", {"base_model.model.q.lora_A.weight": ("F16", (8, 4))})
    values = sorted((d.value, d.hub or "") for _, d in _scan(tmp_path).detections)
    assert values == [("meta-llama/Llama-3.1-8B-Instruct", "huggingface"), ("support-bot-lora", "file")]
    (lora / "adapter_model.safetensors").unlink()
    dets = _scan(tmp_path).detections
    assert len(dets) == 1
    path, d = dets[0]
    assert path.endswith("adapter_config.json") and d.line == 2 and d.technique == "manifest-analysis"
    assert d.value == "meta-llama/Llama-3.1-8B-Instruct" and d.hub == "huggingface"


def test_unsafe_checkpoint_says_so(tmp_path: Path) -> None:
    (tmp_path / "classifier.pt").write_bytes(PROTO0_OS_SYSTEM)
    dets = _scan(tmp_path).detections
    assert len(dets) == 1 and dets[0][1].note is not None and "dangerous (os.system)" in dets[0][1].note


def test_lfs_pointers_count_only_when_named_after_a_family(tmp_path: Path) -> None:
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:{}\nsize 4683073952\n".format("0" * 64)
    (tmp_path / "qwen2.5-7b-instruct-q4_k_m.gguf").write_text(pointer)
    (tmp_path / "model.safetensors").write_text(pointer)
    dets = _scan(tmp_path).detections
    assert [(d.value, d.confidence, d.technique) for _, d in dets] == [
        ("qwen2.5-7b-instruct-q4_k_m", "low", "filename")]
    assert dets[0][1].note is not None and "4,683,073,952" in dets[0][1].note


def test_look_alikes_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "firmware.bin").write_bytes(os.urandom(4096))
    (tmp_path / "training_args.bin").write_bytes(PROTO0_OS_SYSTEM)
    (tmp_path / "broken.gguf").write_bytes(b"GGUF" + b"\x07\x00\x00\x00" + b"\0" * 64)
    result = _scan(tmp_path)
    assert result.detections == []
    assert [(s.path, s.reason) for s in result.skipped] == [("broken.gguf", "parse-error")]
    assert result.counters["model-files"].errors == 0


def test_shards_and_split_parts_report_once(tmp_path: Path) -> None:
    for i in (1, 2):
        write_safetensors(tmp_path / f"model-0000{i}-of-00002.safetensors", {f"t{i}": ("F16", (2, 2))})
    write_gguf(tmp_path / "qwen.gguf", arch="qwen2", tensors={f"blk.{i}": (2, 2) for i in range(2)},
               split_max_tensors=1, kv=[("general.name", "Qwen2.5 0.5B")])
    paths = sorted(p for p, _ in _scan(tmp_path).detections)
    assert paths == ["model-00001-of-00002.safetensors", "qwen-00001-of-00002.gguf"]


def test_ollama_blob_is_reported_by_its_tag(tmp_path: Path) -> None:
    store = tmp_path / "ollama" / "models"
    (store / "blobs").mkdir(parents=True)
    digest = "d" * 64
    write_gguf(store / "blobs" / f"sha256-{digest}", arch="qwen2", kv=[("general.name", "Qwen2.5 7B Instruct")])
    man = store / "manifests" / "registry.ollama.ai" / "library" / "qwen2.5"
    man.mkdir(parents=True)
    (man / "7b").write_text(json.dumps({"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                                    "digest": f"sha256:{digest}"}]}))
    dets = _scan(tmp_path).detections
    assert [(d.value, d.hub, d.provider) for _, d in dets] == [("qwen2.5:7b", "ollama", "ollama")]


@pytest.mark.parametrize(("name", "wanted"), [
    ("model.gguf", True), ("x/model.safetensors", True), ("pytorch_model.bin", True), ("model.onnx", True),
    ("adapter_config.json", True), ("training_args.bin", False), ("optimizer.pt", False), ("config.json", False),
    (f"models/blobs/sha256-{'e' * 64}", True), (f"sha256-{'e' * 64}", False), ("readme.md", False),
])
def test_wants(name: str, wanted: bool) -> None:
    base = name.rsplit("/", 1)[-1]
    suffix = base[base.rfind("."):].lower() if "." in base else ""
    assert ModelFileDetector().wants(name, base, suffix) is wanted
