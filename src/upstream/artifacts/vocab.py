"""Vocabularies from every kind of tokenizer file, as one canonical list of token strings in id order.

The canonical form is what a GGUF's `tokenizer.ggml.tokens` holds (llama.cpp's converter), so a
vocabulary hashes the same whichever file it came from:
- byte-level BPE (GPT-2 style tokenizer.json / vocab.json, tiktoken ranks, Mistral Tekken): the
  GPT-2 byte-to-unicode spelling ("Ġthe");
- SentencePiece (tokenizer.model, SentencePiece-BPE / Unigram tokenizer.json): the pieces ("▁the");
- WordPiece (vocab.txt, BERT tokenizer.json): llama.cpp's "phantom space" spelling ("▁the", "##s" -> "s").
Ids with no token are the empty string.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from upstream.artifacts import protobuf
from upstream.artifacts.binio import ArtifactError

MAX_VOCAB = 1 << 22


def _bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs), strict=True))


_B2U = _bytes_to_unicode()
_B2U_TABLE = [_B2U[i] for i in range(256)]


def byte_level(raw: bytes) -> bytes:
    """GPT-2 byte-to-unicode spelling of raw token bytes, UTF-8 encoded."""
    return "".join([_B2U_TABLE[b] for b in raw]).encode("utf-8")


def phantom(token: str) -> str:
    """llama.cpp's WordPiece conversion: word starts get '▁', continuations lose '##', [SPECIAL] stays."""
    if token.startswith("[") and token.endswith("]"):
        return token
    if token.startswith("##"):
        return token[2:]
    return "\u2581" + token


@dataclass(slots=True)
class LoadedVocab:
    tokens: list[bytes]
    model: str  # BPE, WordPiece, Unigram, SentencePiece, tiktoken, tekken
    base_size: int  # tokens of the model proper, before added/special tokens
    added: int = 0


def _place(pairs: list[tuple[int, bytes]], size: int | None = None) -> list[bytes]:
    top = max((i for i, _ in pairs), default=-1) + 1
    top = max(top, size or 0)
    if top > MAX_VOCAB:
        raise ArtifactError(f"vocabulary of {top} tokens is larger than we accept")
    out = [b""] * top
    for i, tok in pairs:
        if i >= 0:
            out[i] = tok
    return out


def from_tokenizer_json(doc: Any) -> LoadedVocab:
    """A Hugging Face tokenizer.json (already parsed)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("model"), dict):
        raise ArtifactError("tokenizer.json has no model")
    model = doc["model"]
    mtype = str(model.get("type") or ("Unigram" if isinstance(model.get("vocab"), list) else "BPE"))
    vocab = model.get("vocab")
    pairs: list[tuple[int, bytes]] = []
    if isinstance(vocab, dict):
        wordpiece = mtype == "WordPiece"
        for tok, idx in vocab.items():
            if isinstance(idx, int) and isinstance(tok, str):
                pairs.append((idx, (phantom(tok) if wordpiece else tok).encode("utf-8")))
    elif isinstance(vocab, list):
        for idx, item in enumerate(vocab):
            if isinstance(item, list) and item and isinstance(item[0], str):
                pairs.append((idx, item[0].encode("utf-8")))
    else:
        raise ArtifactError("tokenizer.json model has no vocab")
    base = len(pairs)
    tokens = _place(pairs)
    added = 0
    extra: list[tuple[int, bytes]] = []
    for a in doc.get("added_tokens") or []:
        if (isinstance(a, dict) and isinstance(a.get("id"), int) and isinstance(a.get("content"), str)
                and 0 <= a["id"] < MAX_VOCAB and (a["id"] >= len(tokens) or not tokens[a["id"]])):
            extra.append((a["id"], a["content"].encode("utf-8")))
            added += 1
    if extra:
        top = max(len(tokens), max(i for i, _ in extra) + 1)
        if top > MAX_VOCAB:
            raise ArtifactError("too many added tokens")
        tokens.extend([b""] * (top - len(tokens)))
        for i, tok in extra:
            tokens[i] = tok
    return LoadedVocab(tokens, mtype, base, added)


def from_vocab_json(doc: Any) -> LoadedVocab:
    """A GPT-2 style vocab.json: {token: id}."""
    if not isinstance(doc, dict):
        raise ArtifactError("vocab.json is not an object")
    pairs = [(i, t.encode("utf-8")) for t, i in doc.items() if isinstance(i, int) and isinstance(t, str)]
    return LoadedVocab(_place(pairs), "BPE", len(pairs))


def from_vocab_txt(data: bytes) -> LoadedVocab:
    """A WordPiece vocab.txt: one token per line."""
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) > MAX_VOCAB:
        raise ArtifactError("vocab.txt too long")
    return LoadedVocab([phantom(t.rstrip("\r")).encode("utf-8") for t in lines], "WordPiece", len(lines))


def from_sentencepiece(data: bytes) -> LoadedVocab:
    """A SentencePiece tokenizer.model (ModelProto: repeated SentencePiece pieces = 1, piece = 1)."""
    tokens: list[bytes] = []
    for fno, wt, val in protobuf.fields(data):
        if fno == 1 and wt == protobuf.LEN and not isinstance(val, int):
            piece = b""
            for f2, w2, v2 in protobuf.fields(val):
                if f2 == 1 and w2 == protobuf.LEN and not isinstance(v2, int):
                    piece = bytes(v2)
                    break
            tokens.append(piece)
            if len(tokens) > MAX_VOCAB:
                raise ArtifactError("too many pieces")
    if not tokens:
        raise ArtifactError("no SentencePiece pieces")
    return LoadedVocab(tokens, "SentencePiece", len(tokens))


def from_tiktoken(data: bytes) -> LoadedVocab:
    """A tiktoken ranks file: `base64-token rank` per line."""
    pairs: list[tuple[int, bytes]] = []
    for line in data.splitlines():
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2:
            raise ArtifactError("not a tiktoken ranks file")
        try:
            pairs.append((int(parts[1]), byte_level(base64.b64decode(parts[0], validate=True))))
        except (ValueError, binascii.Error):
            raise ArtifactError("not a tiktoken ranks file") from None
    return LoadedVocab(_place(pairs), "tiktoken", len(pairs))


def from_tekken(doc: Any) -> LoadedVocab:
    """A Mistral Tekken tokenizer (tekken.json): special tokens first, then the ranks, cut to the model's size."""
    if not isinstance(doc, dict) or not isinstance(doc.get("vocab"), list):
        raise ArtifactError("not a Tekken file")
    config = doc.get("config") or {}
    n_special = int(config.get("default_num_special_tokens") or len(doc.get("special_tokens") or []) or 1000)
    size = int(config.get("default_vocab_size") or (n_special + len(doc["vocab"])))
    if size > MAX_VOCAB or n_special > size:
        raise ArtifactError("absurd Tekken sizes")
    tokens = [f"<SPECIAL_{i}>".encode() for i in range(n_special)]
    for s in doc.get("special_tokens") or []:
        if isinstance(s, dict) and isinstance(s.get("rank"), int) and 0 <= s["rank"] < n_special:
            tokens[s["rank"]] = str(s.get("token_str", "")).encode("utf-8")
    for item in doc["vocab"][: size - n_special]:
        try:
            tokens.append(byte_level(base64.b64decode(item["token_bytes"])))
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise ArtifactError("bad Tekken vocab entry") from None
    return LoadedVocab(tokens, "tekken", len(tokens) - n_special, n_special)


def load_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ArtifactError(f"invalid JSON: {exc}") from None
