"""Damaged files never crash the readers: random byte flips and cuts give a card, None, or ArtifactError."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from test_artifacts_onnx import _model
from test_artifacts_pickle import TORCH_LIKE
from test_artifacts_support import write_gguf, write_safetensors

from upstream.artifacts import ArtifactError, file_card
from upstream.detect.model_files import ModelFileDetector
from upstream.detect.runner import scan_entries
from upstream.sources import WalkResult, walk


def _seeds(tmp_path: Path) -> dict[str, bytes]:
    g = write_gguf(tmp_path / "s.gguf", arch="llama", tokens=[b"<s>", b"a", b"b"] * 20,
                   kv=[("general.name", "Llama 2 7B"), ("general.base_model.count", 1),
                       ("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-2-7b"),
                       ("tokenizer.chat_template", "[INST] {{ m }} [/INST]")])
    s = write_safetensors(tmp_path / "s.safetensors", {"model.embed_tokens.weight": ("F16", (8, 4))},
                          metadata={"format": "pt"})
    z = tmp_path / "s.pt"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("archive/data.pkl", TORCH_LIKE)
        zf.writestr("archive/version", "3\n")
    return {"model.gguf": g.read_bytes(), "model.safetensors": s.read_bytes(), "model.pt": z.read_bytes(),
            "model.onnx": _model(payload_bytes=64), "legacy.pth": TORCH_LIKE}


def test_mutated_files_fail_cleanly(tmp_path: Path) -> None:
    rng = random.Random(20261128)
    seeds = _seeds(tmp_path)
    work = tmp_path / "fuzz"
    work.mkdir()
    outcomes = {"card": 0, "none": 0, "error": 0}
    for name, data in seeds.items():
        for i in range(60):
            b = bytearray(data)
            if i % 3 == 0:
                b = b[: rng.randrange(len(b))]
            else:
                for _ in range(rng.randint(1, 8)):
                    b[rng.randrange(len(b))] = rng.randrange(256)
            path = work / name
            path.write_bytes(bytes(b))
            try:
                card = file_card(str(path), name)
            except ArtifactError:
                outcomes["error"] += 1
                continue
            outcomes["card" if card else "none"] += 1
    assert outcomes["card"] > 50 and outcomes["error"] > 20


def test_detector_reports_damage_as_parse_errors_not_bugs(tmp_path: Path) -> None:
    rng = random.Random(7)
    for name, data in _seeds(tmp_path).items():
        for i in range(20):
            b = bytearray(data)
            for _ in range(4):
                b[rng.randrange(len(b))] = rng.randrange(256)
            d = tmp_path / "tree" / f"{i}"
            d.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(bytes(b))
    result = scan_entries(list(walk(str(tmp_path / "tree"), WalkResult())), [ModelFileDetector()], 4 << 20)
    assert result.counters["model-files"].errors == 0, result.counters["model-files"].samples
    assert {s.reason for s in result.skipped} <= {"parse-error"}
