"""GGUF: real files from PyPI (renamed, truncated) and synthetic edge cases and hostile inputs."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from test_artifacts_support import (  # noqa: F401  (fixtures)
    gguf_bytes,
    kv_string,
    link_or_symlink,
    models_dir,
    real,
    write_gguf,
)

from upstream.artifacts import ArtifactError, file_card, inspect_path
from upstream.artifacts import gguf as G

EXPECTED = {
    # key: (family, architecture, quantization, tokenizer entry, licence, name contains)
    "qwen-0.5b": ("qwen", "qwen2", "Q4_K_M", "qwen2", None, "Qwen2.5-Coder-0.5B-Instruct"),
    "qwen-1.5b": ("qwen", "qwen2", "Q4_K_M", "qwen2", None, "Qwen2.5-Coder-1.5B-Instruct"),
    "smollm2": ("smollm", "llama", "Q4_1", "smollm", "apache-2.0", "smollm2-135M"),
    "gemma3": ("gemma", "gemma3", "Q4_K_M", "gemma3", "gemma", "gemma-3-270M"),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_real_gguf_identified_even_when_renamed(models_dir: Path, tmp_path: Path, key: str) -> None:  # noqa: F811
    family, arch, quant, entry, licence, name = EXPECTED[key]
    renamed = link_or_symlink(real(models_dir, key), tmp_path / "model.gguf")
    for path in (real(models_dir, key), renamed):
        card = file_card(str(path), path.name)
        assert card is not None
        assert card.identity.family == family
        assert name in (card.identity.name or "")
        assert card.architecture == arch and card.quantization == quant
        assert card.tokenizer is not None and card.tokenizer.match is not None
        assert (card.tokenizer.match.entry, card.tokenizer.match.kind) == (entry, "exact")
        assert card.license == licence
        assert card.safety.verdict == "safe" and not card.safety.executes_code
        assert card.parameters and not card.parameters_partial
        assert card.identity.confidence == "high"
        assert not [f for f in card.findings if f.severity != "info"]


def test_real_parameter_counts_and_context(models_dir: Path) -> None:  # noqa: F811
    card = file_card(str(real(models_dir, "qwen-1.5b")), "q.gguf")
    assert card is not None
    assert card.parameters == 1_777_088_000 and card.context_length == 32768
    assert card.tokenizer is not None and card.tokenizer.vocab_size == 151_936
    assert "Qwen default system prompt" in card.tokenizer.chat_template_clues


@pytest.mark.parametrize("cut", [8_000_000, 20_000_000])
def test_truncated_copy_still_yields_metadata(models_dir: Path, tmp_path: Path, cut: int) -> None:  # noqa: F811
    src = real(models_dir, "qwen-1.5b")
    part = tmp_path / "download.part.gguf"
    with src.open("rb") as fh:
        part.write_bytes(fh.read(cut))
    card = file_card(str(part), part.name)
    assert card is not None
    assert card.identity.family == "qwen" and card.architecture == "qwen2"
    assert card.tokenizer is not None and card.tokenizer.match is not None and card.tokenizer.match.kind == "exact"
    assert card.parameters == 1_777_088_000  # the tensor table sits in the first 6 MB
    assert any(f.id == "incomplete-weights" for f in card.findings)
    assert not card.files[0].complete


def test_cut_inside_the_metadata_keeps_what_came_before(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    part = tmp_path / "head.gguf"
    with real(models_dir, "qwen-1.5b").open("rb") as fh:
        part.write_bytes(fh.read(3_000_000))  # tokens end near 2 MB; merges are cut
    card = file_card(str(part), part.name)
    assert card is not None
    assert card.identity.family == "qwen" and card.identity.name == "Qwen2.5-Coder-1.5B-Instruct"
    assert card.tokenizer is not None and card.tokenizer.match is not None
    assert card.parameters is None
    assert any(f.id == "truncated-file" for f in card.findings) and not card.complete


def _qwen_tokens(models: Path) -> list[bytes]:
    h = G.read_file(str(real(models, "qwen-0.5b")))
    assert h.tokens is not None
    return h.tokens


def test_name_saying_llama_over_a_qwen_vocabulary_is_a_mismatch(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    path = write_gguf(tmp_path / "llama-3-8b-instruct.gguf", arch="llama", tokens=_qwen_tokens(models_dir),
                      kv=[("general.name", "Llama 3 8B Instruct"), ("general.basename", "Llama-3")])
    card = file_card(str(path), path.name)
    assert card is not None
    assert card.identity.family == "llama" and card.identity.tokenizer_family == "qwen"
    mismatch = [f for f in card.findings if f.id == "name-tokenizer-mismatch"]
    assert mismatch and "Qwen" in mismatch[0].message and mismatch[0].severity == "warning"
    assert card.identity.confidence != "high"


def test_distill_named_after_both_families_is_consistent(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    path = write_gguf(tmp_path / "model.gguf", arch="qwen2", tokens=_qwen_tokens(models_dir),
                      kv=[("general.name", "DeepSeek R1 Distill Qwen 7B"), ("general.organization", "Deepseek Ai"),
                          ("tokenizer.ggml.pre", "deepseek-r1-qwen")])
    card = file_card(str(path), path.name)
    assert card is not None
    assert card.identity.family == "deepseek" and card.identity.tokenizer_family == "qwen"
    assert not any(f.id == "name-tokenizer-mismatch" for f in card.findings)
    assert any("distill" in x for x in card.lineage)
    assert card.identity.developer == "Deepseek Ai"


def test_unnamed_file_is_identified_by_its_vocabulary(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    path = write_gguf(tmp_path / "model.gguf", arch="llama", tokens=_qwen_tokens(models_dir))
    card = file_card(str(path), path.name)
    assert card is not None
    assert card.identity.family == "qwen" and card.identity.basis == ["tokenizer fingerprint"]
    assert any(f.id == "identified-by-tokenizer" for f in card.findings)


def test_architecture_alone_does_not_identify(tmp_path: Path) -> None:
    kimi = write_gguf(tmp_path / "a.gguf", arch="deepseek2", kv=[("general.name", "Kimi K2 Instruct")])
    card = file_card(str(kimi), "a.gguf")
    assert card is not None and card.identity.family == "kimi"
    assert any("deepseek2" in x and "does not say" in x for x in card.lineage)
    bare = write_gguf(tmp_path / "model.gguf", arch="qwen2")
    card = file_card(str(bare), "model.gguf")
    assert card is not None and card.identity.family is None and card.identity.confidence == "low"
    assert any("architecture alone" in x for x in card.lineage)


def test_lineage_keys_are_read_past_non_string_values(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", arch="llama", kv=[
        ("general.name", "Acme Coder 7B"),
        ("general.base_model.count", 2),
        ("general.base_model.0.name", "Qwen2.5 Coder 7B Instruct"),
        ("general.base_model.0.organization", "Qwen"),
        ("general.base_model.0.repo_url", "https://huggingface.co/Qwen/Qwen2.5-Coder-7B-Instruct"),
        ("general.base_model.1.name", "Llama 3.1 8B"),
        ("general.base_model.1.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B"),
        ("general.dataset.count", 1),
        ("general.dataset.0.repo_url", "https://huggingface.co/datasets/bigcode/the-stack"),
        ("general.quantized_by", "bartowski"),
        ("general.repo_url", "https://huggingface.co/acme/acme-coder-7b-GGUF"),
        ("general.source.url", "https://huggingface.co/acme/acme-coder-7b"),
        ("general.license", "apache-2.0"),
        ("general.tags", ["code", "merge"]),
    ])
    card = file_card(str(path), "m.gguf")
    assert card is not None
    assert card.identity.canonical == "acme/acme-coder-7b-GGUF" and card.identity.hub == "huggingface"
    bases = [b.hub_id for b in card.base_models]
    assert bases[:2] == ["Qwen/Qwen2.5-Coder-7B-Instruct", "meta-llama/Llama-3.1-8B"]
    assert any(b.relation == "source" and b.hub_id == "acme/acme-coder-7b" for b in card.base_models)
    assert card.datasets and card.datasets[0].url == "https://huggingface.co/datasets/bigcode/the-stack"
    assert any("bartowski" in x for x in card.lineage)
    assert card.metadata["general.tags"] == "code, merge"
    assert card.license == "apache-2.0"


def test_big_endian_file_is_read(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "be.gguf", arch="llama", big_endian=True,
                      kv=[("general.name", "Llama 2 7B"), ("llama.context_length", 4096)])
    h = G.read_file(str(path))
    assert h.big_endian and h.get_str("general.name") == "Llama 2 7B"
    card = file_card(str(path), "be.gguf")
    assert card is not None and card.identity.family == "llama" and card.context_length == 4096


def test_split_files_make_one_artifact(tmp_path: Path) -> None:
    tensors = {f"blk.{i}.weight": (4, 8) for i in range(3)}
    write_gguf(tmp_path / "big.gguf", arch="qwen2", tensors=tensors, split_max_tensors=1,
               kv=[("general.name", "Qwen2.5 7B Instruct")])
    parts = sorted(p.name for p in tmp_path.iterdir())
    assert parts == [f"big-0000{i}-of-00003.gguf" for i in (1, 2, 3)]
    result = inspect_path(str(tmp_path))
    assert len(result.cards) == 1
    card = result.cards[0]
    assert card.identity.family == "qwen" and card.parameters == 3 * 32 and not card.parameters_partial
    assert len(card.files) == 3
    # from a later part, the set is still read from part 1
    card2 = file_card(str(tmp_path / "big-00002-of-00003.gguf"), "big-00002-of-00003.gguf")
    assert card2 is not None and card2.identity.family == "qwen"
    (tmp_path / "big-00003-of-00003.gguf").unlink()
    card3 = file_card(str(tmp_path / "big-00001-of-00003.gguf"), "big-00001-of-00003.gguf")
    assert card3 is not None and card3.parameters_partial
    assert any(f.id == "missing-parts" for f in card3.findings)


def test_chat_template_that_reaches_python_internals_is_flagged(tmp_path: Path) -> None:
    evil = "{{ ''.__class__.__mro__[1].__subclasses__() }}{% for m in messages %}{{ m.content }}{% endfor %}"
    path = write_gguf(tmp_path / "m.gguf", kv=[("general.name", "Llama 3 8B"), ("tokenizer.chat_template", evil)])
    card = file_card(str(path), "m.gguf")
    assert card is not None
    assert card.safety.verdict == "dangerous"
    assert any(f.id == "suspicious-chat-template" and f.severity == "error" for f in card.findings)


# --------------------------------------------------------------------------- hostile and broken headers


def test_wrong_magic_is_not_gguf(tmp_path: Path) -> None:
    path = tmp_path / "x.gguf"
    path.write_bytes(b"GGUX" + b"\0" * 100)
    with pytest.raises(ArtifactError, match="magic"):
        G.read_file(str(path))
    with pytest.raises(ArtifactError):  # named .gguf, so broken in its own format
        file_card(str(path), "x.gguf")
    other = tmp_path / "x.dat"
    other.write_bytes(b"GGUX" + b"\0" * 100)
    assert inspect_path(str(other)).cards == []


@pytest.mark.parametrize("data", [
    gguf_bytes(version=7),
    b"GGUF" + struct.pack("<IQQ", 3, 1 << 40, 1),  # absurd tensor count
    b"GGUF" + struct.pack("<IQQ", 3, 0, 1 << 40),  # absurd key count
    gguf_bytes(kvs=[kv_string("general.name", b"x", declared_len=1 << 62)]),  # absurd string length
    gguf_bytes(kvs=[struct.pack("<Q", 4) + b"key!" + struct.pack("<I", 99)]),  # unknown value type
])
def test_absurd_declarations_are_rejected_without_reading_them(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data)
    with pytest.raises(ArtifactError):
        G.read_file(str(path))


def test_declared_string_longer_than_the_file_is_truncation(tmp_path: Path) -> None:
    path = tmp_path / "t.gguf"
    path.write_bytes(gguf_bytes(kvs=[kv_string("general.name", b"abc", declared_len=1 << 20)]))
    h = G.read_file(str(path))
    assert h.truncated == "metadata" and h.kv == {}


def test_every_cut_of_a_small_file_reads_or_fails_cleanly(tmp_path: Path) -> None:
    full = write_gguf(tmp_path / "full.gguf", arch="llama", tokens=[b"a", b"b", b"<s>"],
                      kv=[("general.name", "Llama 2 7B"), ("general.license", "llama2")]).read_bytes()
    cut_path = tmp_path / "cut.gguf"
    for cut in range(0, len(full), 7):
        cut_path.write_bytes(full[:cut])
        try:
            h = G.read_file(str(cut_path))
        except ArtifactError:
            continue
        assert h.truncated is not None or cut >= len(full) - 128 or h.weights_complete is False
        card = file_card(str(cut_path), "cut.gguf")
        assert card is not None


def test_header_cap_is_enforced(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "m.gguf", kv=[("general.name", "Llama 2 7B"), ("x.blob", "y" * 5000)])
    h = G.read_file(str(path), cap=2048)
    assert h.truncated == "metadata"
    assert h.get_str("general.name") == "Llama 2 7B"


def test_vocabulary_cut_short_is_partial_and_still_matches(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    part = tmp_path / "head.gguf"
    with real(models_dir, "qwen-0.5b").open("rb") as fh:
        part.write_bytes(fh.read(1_500_000))  # inside the token list
    h = G.read_file(str(part))
    assert h.truncated == "metadata" and h.tokens is not None
    assert h.tokens_declared is not None and 60_000 < len(h.tokens) < h.tokens_declared
    card = file_card(str(part), part.name)
    assert card is not None and card.tokenizer is not None and card.tokenizer.partial
    assert card.tokenizer.match is not None and card.tokenizer.match.family == "qwen"
    assert card.tokenizer.match.kind == "similar" and card.tokenizer.match.score == 1.0


def test_declared_base_is_checked_against_the_vocabulary(models_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    tokens = _qwen_tokens(models_dir)
    kv = [("general.name", "Acme Assistant 7B"), ("general.base_model.count", 1)]
    good = write_gguf(tmp_path / "a.gguf", tokens=tokens, kv=[*kv, ("general.base_model.0.name", "Qwen2.5 7B")])
    card = file_card(str(good), "a.gguf")
    assert card is not None and card.identity.family == "qwen" and not card.findings
    assert card.identity.basis == ["tokenizer fingerprint", "declared base model"]
    bad = write_gguf(tmp_path / "b.gguf", tokens=tokens, kv=[*kv, ("general.base_model.0.name", "Llama 3.1 8B")])
    card = file_card(str(bad), "b.gguf")
    assert card is not None
    assert [f.id for f in card.findings] == ["base-tokenizer-mismatch"]
