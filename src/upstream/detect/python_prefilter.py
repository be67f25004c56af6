"""A cheap byte-level test that says when a Python file cannot yield a model reference, so it is not parsed.

It must never be stricter than the detector: a file is skipped only when it has (1) no import of an AI
library (there a model-named string needs only an id's shape), (2) no call the detector recognises
without an import (`from_pretrained`, `ChatOpenAI(`, `.chat.completions.create`), (3) no string
literal naming a known model family or a model file, the only thing a model-named string outside AI code
is reported for, and (4) not both a way of running a command (`subprocess`, `os.system`) and a word the
command extractor needs (`ollama`, `serve`, `--model`...).
"""

from __future__ import annotations

import re

import ahocorasick_rs

from upstream.detect.identifiers import FAMILY_TOKENS, MODEL_FILE_SUFFIXES, word_alternation
from upstream.detect.python_catalog import ENTRIES, MODULES, UNIMPORTED
from upstream.detect.python_keyed import AI_ROOTS


def _alt(words: set[str]) -> bytes:
    return word_alternation(words).encode()


_ROOTS = {r.split(".")[0] for r in (*AI_ROOTS, *MODULES, *(k.split(":")[0] for k in ENTRIES))}
# All three run on the lower-cased file: case-insensitive matching in `re` is several times slower.
_AI_IMPORT_RE = re.compile(
    rb"^[ \t]*(?:from|import)[ \t]+(?:" + _alt({r.lower() for r in _ROOTS} | {"langchain"}) + rb")", re.M
)
# Calls the detector recognises without an import (a superset: the name alone, without its parenthesis);
# plain substrings, so one Aho-Corasick pass finds any of them.
_CALL_WORDS = sorted({
    "from_pretrained", "from_single_file", "completions", "generate_content", "embed_content", "messages.create",
    "messages.stream", "chatcompletion", *(n.lower() for n in UNIMPORTED),
    # download / run commands quoted in docstrings (reported as docs)
    "huggingface-cli download", "hf download", "ollama pull", "ollama run", "llama-cli", "llama-server",
    "vllm serve",
})
_CALLS = ahocorasick_rs.BytesAhoCorasick([w.encode() for w in _CALL_WORDS])
# The import regex only where one of its roots occurs at all (most files): `re` tries `^` at every position.
_IMPORT_ROOTS = ahocorasick_rs.BytesAhoCorasick(sorted({r.lower().encode() for r in _ROOTS} | {b"langchain"}))
# Commands the code runs (python_code._run_commands): a process call and a word the command extractor needs.
_RUNS = ahocorasick_rs.BytesAhoCorasick([b"subprocess", b"os.system", b"os.popen", b"create_subprocess",
                                         b"system(", b"popen("])
_COMMAND_WORDS = ahocorasick_rs.BytesAhoCorasick([b"ollama", b"download", b"serve", b"-hf", b"--model", b"-m",
                                                  b"--hf-repo"])
# String literals that could be model ids, and a family token standing as a word inside one of them
# (`"meta-llama/Llama-3`, `"gpt-4o`) or a model file name: the tests of identifiers.has_family and
# is_model_file, on all literals at once.
_LITERAL_RE = re.compile(rb"[\"']([\w./:@-]{2,200})")
_FAMILY_WORD_RE = re.compile(
    rb"(?:^|[\x00_/.-])(?:" + _alt({t.lower() for t in FAMILY_TOKENS}) + rb")(?=[-_.:\d\x00/]|$)"
    rb"|\.(?:" + _alt({s.lstrip(".") for s in MODEL_FILE_SUFFIXES}) + rb")(?=\x00|$)"  # a model file name
)


def worth_parsing(data: bytes) -> bool:
    """False only when the file certainly holds no model reference the Python detector would report."""
    low = data.lower()
    if _CALLS.find_matches_as_indexes(low) or (_IMPORT_ROOTS.find_matches_as_indexes(low)
                                               and _AI_IMPORT_RE.search(low)):
        return True
    if _RUNS.find_matches_as_indexes(low) and _COMMAND_WORDS.find_matches_as_indexes(low):
        return True
    return bool(_FAMILY_WORD_RE.search(b"\x00".join(_LITERAL_RE.findall(low))))
