"""Concrete model identifiers mentioned in README and Markdown documentation.

Docs are evidence of intent, not of use: every finding has kind "docs" and low confidence, or medium
for a Hugging Face / Ollama library link or a command that runs or fetches a model (`ollama run ...`).
What a reader does not see is ignored: HTML and MDX comments, RST comments, image sources, badges,
and front matter other than `base_model:`. Prose is held to the "mention" strength of
`identifiers.is_plausible` plus guards for what sits around a name ("the gpt-3-encoder package",
"a Llama-2-style model", "licensed under llama3.1").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from upstream.detect import Detection, FileInput, Screen
from upstream.detect.identifiers import (
    FAMILY_TOKENS,
    canonical_id,
    has_family,
    hf_id_from_url,
    is_family_mention,
    is_hf_id,
    is_model_file,
    is_plausible,
    split_route,
    word_alternation,
)
from upstream.evidence import Confidence, Hub

MAX_LINES = 50_000
MAX_LINE = 4_000

_DOC_SUFFIXES = (".md", ".mdx", ".markdown", ".rst", ".mdc")
_SKIP_STEMS = (
    "changelog", "changes", "history", "news", "release-notes", "release_notes", "releasenotes", "license",
    "licence", "notice", "copying", "authors", "contributors", "code_of_conduct", "code-of-conduct", "security",
    "third_party", "third-party", "thirdparty", "citation", "requirements", "constraints", "cmakelists",
)
_SKIP_DIRS = ("/issue_template/", "/pull_request_template/", "/changelog/", "/changelogs/", "/release-notes/",
              "/releases/", "/changes/")

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|<img\b[^>\n]*>", re.I)
_URL = re.compile(r"(?:https?://|(?<![\w.@/-])(?:www\.)?(?:huggingface\.co|hf\.co|ollama\.com)/)[^\s<>()\[\]\"'`|]+",
                  re.I)
_OLLAMA_LIB = re.compile(r"^(?:https?://)?(?:www\.)?ollama\.com/library/([a-z0-9][\w.-]*(?::[\w.-]+)?)", re.I)
_TOKEN = re.compile(r"(?<![\w.:/@-])[A-Za-z0-9][\w.:/@-]*[A-Za-z0-9]")
_WORD = re.compile(r"[A-Za-z][\w-]*")
_SHAPE = re.compile(r"[\d:/._-]")  # a bare word ("Gemini", "step") is never a concrete id
_RST_COMMENT = re.compile(r"^(\s*)\.\.(?:\s|$)(?!\s*[\w-]+::|\s*_|\s*\[|\s*\|)")

# Commands that run or fetch the model named by their argument, and where that name lives.
_ARG = r"\s+[\"']?([A-Za-z0-9][\w.:/@-]*[A-Za-z0-9])"
# `ollama <verb> [flags] NAME`: the flags that take a value (`ollama create -f ./Modelfile name`).
_OLLAMA = re.compile(r"\bollama\s+(?:run|pull|push|show|create|cp|rm|stop)\b")
_OLLAMA_VALUE_FLAGS = frozenset({"-f", "--file", "-q", "--quantize", "--format", "--keepalive", "--think"})
_SHELL_STOP = re.compile(r"^(?:[|;&<>]|\d?>|&&|\|\|)")
# A model file handed to a runner: `llama-cli -m models/x.gguf`, `llama-server --model ./x.gguf`,
# `python -m llama_cpp.server --model x.gguf`. `-m` means a model only for llama.cpp-style runners.
_RUNNER = re.compile(r"(?:^|[\s/`\"'(])(?:llama-[a-z-]+|main|llamafile|koboldcpp|whisper-cli|llava-cli|"
                     r"llama_cpp\.server|mlc_llm|llama\.cpp)(?=[\s`'\"]|$)", re.I)
_FILE_FLAG = re.compile(r"(?<![\w-])(-m|--model|--model-path|--model_path|--model-file|--model_file)(?:=|\s+)"
                        r"[\"']?([^\s\"'`|;&<>()]+)")
_COMMANDS: tuple[tuple[re.Pattern[str], Hub | None], ...] = (
    (re.compile(r"(?:\b(?:huggingface-cli|hf)\s+download|\bvllm\s+serve|(?<![\w-])(?:-hf|--hf-repo)"
                r"|(?<![\w-])--(?:model-path|model_name_or_path|model-id))" + _ARG), "huggingface"),
    (re.compile(r"(?<![\w-])--(?:model|model-name|served-model-name)(?:=|\s)\s*[\"']?([A-Za-z0-9][\w.:/@-]*"
                r"[A-Za-z0-9])"), None),
)
# `model="..."`, `MODEL_NAME=...`, `model: ...` in code samples and config snippets.
_ASSIGN = re.compile(
    r"(?<![\w.])(?:[A-Za-z_]*_)?(?:model|model_name|model_id|modelName|modelId|base_model|MODEL|MODEL_NAME|MODEL_ID)"
    r"[\"']?\s*(?:=|:)\s*[\"']?([A-Za-z0-9][\w.:/@-]*[A-Za-z0-9])"
)
_INSTALL = re.compile(
    r"\b(?:pip3?\s+install|uv\s+(?:pip\s+install|add)|poetry\s+add|pipx\s+install|conda\s+install|mamba\s+install"
    r"|npm\s+(?:i|install|add)|yarn\s+(?:global\s+)?add|pnpm\s+(?:i|install|add)|bun\s+(?:i|install|add)"
    r"|brew\s+install|apt(?:-get)?\s+install|cargo\s+(?:add|install)|go\s+(?:get|install)|gem\s+install)\b[^;&|\n]*",
    re.I,
)

# Families that are also ordinary words ("Step 2", "seed-42", "Falcon-9", "Spark 3.5"): such a name must also
# carry a size ("7b") or a model variant to count in free text.
_GENERIC = frozenset({
    "step", "seed", "spark", "ring", "ling", "nova", "titan", "omni", "command", "embed", "rerank", "reranker",
    "solar", "falcon", "opt", "flux", "arctic", "orca", "dolphin", "hermes", "palm", "bison", "flan", "sonar",
    "clip", "vit", "multilingual", "paraphrase", "openai", "cohere", "aya", "nomic", "jina", "voyage",
})
_SIZE = re.compile(r"(?i)(?:^|[-_.:])\d+(?:\.\d+)?[bmkt](?:$|[-_.:])|(?:^|[-_.:])\d+x\d+b")
_VARIANT = re.compile(r"(?i)[-_.:](?:instruct|chat|coder|code|embed|text|pro|lite|mini|large|small|base|plus|turbo|"
                      r"oss|vl|it|r|a|h1|english|multilingual|dev|schnell|kontext|v\d[\w.]*)(?:$|[-_.:])")
_STYLE_SUFFIX = re.compile(r"(?i)-(?:style|like|based|compatible|sized|size|class|level|family|series|era|inspired|"
                           r"esque|grade|tier|type|flavou?red|powered|backed|native|ready|only)$")
_SOFTWARE_SUFFIX = re.compile(r"(?i)(?:[-_](?:webui|ui|api|server|cli|sdk|python|py|js|node|rs|go|rb|encoder|"
                              r"tokenizer|simple|bot|app|plugin|wrapper|client|proxy|gateway|docker)|\.(?:c|cpp|js|py|"
                              r"rs|go|rb|ts|java|swift|kt|net)|4all|4free)$")
# File names that are not model files: `llama3:8b.modelfile` is the Modelfile saved from a tag, not a tag.
_NON_MODEL_FILE = re.compile(r"(?i)\.(?:modelfile|txt|json|jsonl|ya?ml|toml|ini|cfg|conf|env|md|markdown|rst|sh|"
                             r"bash|zsh|ps1|bat|cmd|py|ipynb|js|mjs|ts|html?|xml|csv|tsv|log|lock|tmpl|j2|jinja2?|"
                             r"png|jpe?g|gif|svg|webp|pdf|zip|tar|gz|tgz|whl|deb|rpm|exe|dmg|app)$")
_NOT_MODELS = frozenset({"gpt4all", "gpt4free", "autogpt", "babyagi", "llama2.c", "llama.cpp", "llamafile"})
_PACKAGE_WORDS = frozenset({"package", "packages", "library", "libraries", "module", "modules", "crate", "gem",
                            "plugin", "extension", "binding", "bindings", "wrapper", "sdk", "client", "cli", "repo",
                            "repository", "project", "app", "toolkit", "framework", "tokenizer", "encoder", "npm",
                            "pypi", "image", "container", "camera", "rocket", "gpu", "chip", "card", "phone"})
_NOT_ORG = frozenset({"models", "model", "checkpoints", "checkpoint", "ckpt", "weights", "output", "outputs",
                      "saved_models", "pretrained", "local", "path", "your-org", "your_org", "username", "user",
                      "org", "my-org", "my_org", "yourname", "blog", "papers", "learn", "settings", "join", "login",
                      "pricing", "organizations", "collections", "tasks", "chat", "new", "posts", "enterprise",
                      "inference-endpoints", "changelog", "github.com", "gitlab.com", "hf.co", "huggingface.co"})
_FAMILY_ALT = word_alternation({t.lower() for t in FAMILY_TOKENS})
_FAMILY_START = re.compile(rf"(?i)^({_FAMILY_ALT})")
_HINT = re.compile(rf"(?i)(?<![a-z0-9])(?:{_FAMILY_ALT})(?![a-z])")  # a line worth tokenising
# Everything `_line_mentions` acts on (a URL, a command, a model setting, a family name): a line without any
# of these yields nothing, so one automaton pass over the whole text picks the lines worth a look.
_TRIGGER_WORDS = ("://", "huggingface.co", "hf.co", "ollama", "download", "serve", "-hf", "--model", "-m ", "model")
_TRIGGER_FAMILIES = tuple(sorted({t.lower() for t in FAMILY_TOKENS}))
_TRIGGER = ahocorasick_rs.AhoCorasick([*_TRIGGER_WORDS, *_TRIGGER_FAMILIES])
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_ALNUM = _LETTERS | frozenset("0123456789")
_TOKEN_PUNCT = frozenset("_.:/@-")  # with letters and digits, what `_TOKEN` takes into a token
_SHAPE_CHARS = ":/._-"


@dataclass(frozen=True, slots=True)
class _Mention:
    line: int
    column: int
    value: str
    hub: Hub | None
    canonical: str | None
    confidence: Confidence
    note: str
    provider: str | None = None


class DocsDetector:
    """Concrete model identifiers mentioned in README and Markdown documentation."""

    id = "docs"
    screen = Screen(frozenset({*_DOC_SUFFIXES, ".txt"}), ("readme",))
    keywords: tuple[bytes, ...] = ()

    def wants(self, path: str, name: str, suffix: str) -> bool:
        if suffix not in _DOC_SUFFIXES and suffix != ".txt" and name[:6].lower() != "readme":
            return False  # the cheap answer for most files
        low = "/" + path.lower()
        stem = name.lower().split(".", 1)[0]
        if stem.startswith(_SKIP_STEMS) or any(d in low for d in _SKIP_DIRS):
            return False
        if stem.startswith("readme"):
            return suffix in ("", ".txt", *_DOC_SUFFIXES) or bool(re.fullmatch(r"\.[a-z]{2}(?:[-_][a-z]{2})?", suffix))
        if suffix in _DOC_SUFFIXES:
            return True
        return suffix == ".txt" and ("/docs/" in low or "/doc/" in low)

    def detect(self, file: FileInput) -> Iterator[Detection]:
        text = file.text()
        rst = file.suffix == ".rst"
        lines = _visible_lines(text, rst)
        for m in _scan(lines, front_matter=not rst):
            yield Detection(
                subject="model", value=m.value, line=m.line, column=m.column, kind="docs",
                confidence=m.confidence, detector=self.id, technique="other",
                snippet=lines[m.line - 1][:MAX_LINE], hub=m.hub, provider=m.provider,
                canonical=m.canonical if m.canonical != m.value else None, note=m.note,
            )


@dataclass(frozen=True, slots=True)
class Command:
    """A model that a documented command runs or fetches."""

    line: int
    column: int
    value: str
    hub: Hub | None
    canonical: str | None
    provider: str | None
    note: str


def commands(lines: Sequence[str], first_line: int = 1) -> Iterator[Command]:
    """Models that commands in these lines run or fetch (`ollama pull`, `huggingface-cli download`, `llama-cli
    -m x.gguf`, `--model`): the command extractor of this detector, for text outside documents (docstrings)."""
    for i, line in enumerate(lines[:MAX_LINES]):
        low = line.lower()
        if not any(w in low for w in ("ollama", "download", "serve", "-hf", "--model", "-m ", "--hf-repo")):
            continue
        seen: set[str] = set()
        for m, _ in _commands(first_line + i, line[:MAX_LINE]):
            key = (m.canonical or m.value).lower()
            if key not in seen:
                seen.add(key)
                canon = m.canonical or (canonical_id(m.value, m.hub) if m.hub else None)
                yield Command(m.line, m.column, m.value, m.hub, canon if canon != m.value else None, m.provider,
                              m.note)


def mentions(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(line 1-based, value as written, canonical id or None) for each model mentioned in Markdown text."""
    for m in _scan(_visible_lines(text, rst=False), front_matter=True):
        canon = m.canonical or (canonical_id(m.value, m.hub) if m.hub else None)
        yield m.line, m.value, canon if canon != m.value else None


# --------------------------------------------------------------------------- what a reader sees


def _blank(m: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


def _visible_lines(text: str, rst: bool) -> list[str]:
    """The text as rendered, line for line: comments blanked out (columns and line numbers kept)."""
    text = _strip(_strip(text, "<!--", "-->"), "{/*", "*/}")
    lines = text.split("\n")[:MAX_LINES]
    if rst:
        _blank_rst_comments(lines)
    return [ln[:MAX_LINE] for ln in lines]


def _strip(text: str, opening: str, closing: str) -> str:
    """Blank out `opening ... closing` spans (an unclosed one runs to the end), in linear time."""
    if opening not in text:
        return text
    out: list[str] = []
    pos = 0
    while (start := text.find(opening, pos)) >= 0:
        end = text.find(closing, start + len(opening))
        end = len(text) if end < 0 else end + len(closing)
        out += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _blank_rst_comments(lines: list[str]) -> None:
    i = 0
    while i < len(lines):
        m = _RST_COMMENT.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        lines[i] = ""
        i += 1
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            lines[i] = ""
            i += 1


# --------------------------------------------------------------------------- finding names


def _scan(lines: list[str], front_matter: bool) -> Iterator[_Mention]:
    start = 0
    if front_matter and lines and lines[0].strip() == "---":
        end = next((i for i in range(1, min(len(lines), 400)) if lines[i].strip() in ("---", "...")), 0)
        listing = False  # inside `base_model:` followed by `- org/name` items (Hugging Face model cards)
        for i in range(1, end):
            item = _FRONT_ITEM.match(lines[i]) if listing else None
            if item:
                yield from _front_matter_value(i + 1, item.start(1), item.group(1))
                continue
            listing = bool(_FRONT_LIST_KEY.match(lines[i]))
            yield from _front_matter_line(i + 1, lines[i])
        start = end + 1 if end else 0
    for i in _triggered(lines, start):
        seen: dict[str, _Mention] = {}
        for m in _line_mentions(i + 1, lines[i]):
            key = (m.canonical or m.value).lower()
            old = seen.get(key)
            if old is None or _rank(m) < _rank(old):
                seen[key] = m
        yield from sorted(seen.values(), key=lambda m: m.column)


def _triggered(lines: list[str], start: int) -> Iterator[int]:
    """Indices (from `start`) of the lines holding a trigger, ascending: on most documents a few of many.
    A family name counts where `_HINT` would take it: not inside a word or a number."""
    text = "\n".join(lines[start:]).lower()
    words = len(_TRIGGER_WORDS)
    line = start
    pos = 0
    for idx, at, end in _TRIGGER.find_matches_as_indexes(text, overlapping=True):
        if at < pos:
            continue  # a further trigger on a line already yielded
        if idx >= words and ((at and text[at - 1] in _ALNUM) or (end < len(text) and text[end] in _LETTERS)
                             or not _shaped(text, at, end)):
            continue
        line += text.count("\n", pos, at)
        yield line
        nl = text.find("\n", at)
        if nl < 0:
            return
        pos = nl + 1
        line += 1


def _shaped(text: str, at: int, end: int) -> bool:
    """Whether the token around text[at:end] has a digit or one of `:/._-`: a bare family word in prose
    ("the GPT partition table", "Llama support") is never a concrete id, so its line needs no look."""
    left = at
    while left and (text[left - 1].isalnum() or text[left - 1] in _TOKEN_PUNCT):
        left -= 1
    right = end
    while right < len(text) and (text[right].isalnum() or text[right] in _TOKEN_PUNCT):
        right += 1
    token = text[left:right]
    return any(c in token for c in _SHAPE_CHARS) or any(c.isdigit() for c in token)


def _rank(m: _Mention) -> int:
    return ("high", "medium", "low").index(m.confidence)


_FRONT_LIST_KEY = re.compile(r"\s*(?:base_model|model|model_name)\s*:\s*$")
_FRONT_ITEM = re.compile(r"\s*-\s+[\"']?([\w.:/@-]+)[\"']?\s*$")


def _front_matter_line(n: int, line: str) -> Iterator[_Mention]:
    m = re.match(r"\s*(?:-\s*)?(?:base_model|model|model_name)\s*:\s*[\"']?([\w.:/@-]+)", line)
    if m:
        yield from _front_matter_value(n, m.start(1), m.group(1))


def _front_matter_value(n: int, start: int, value: str) -> Iterator[_Mention]:
    if is_plausible(value, "keyed") and not _excluded(value):
        yield _classified(n, start, value, "low", "front matter") or _Mention(
            n, start + 1, value, None, None, "low", "front matter")


def _line_mentions(n: int, line: str) -> Iterator[_Mention]:
    low = line.lower()
    if not low.strip():
        return
    text = _IMAGE.sub(_blank, line) if "![" in line or "<img" in low else line
    if "://" in low or ".co" in low:
        for url in _URL.finditer(text):
            found = _from_url(n, url.start(), url.group(0).rstrip(".,;:!?*_"))
            if found:
                yield found
        text = _URL.sub(_blank, text)
    if any(w in low for w in (" install", " add", " get ", " i ")):
        text = _INSTALL.sub(_blank, text)
    strong: set[int] = set()
    if "ollama" in low or "download" in low or "serve" in low or "-hf" in low or "--model" in low or "-m " in low:
        for found, at in _commands(n, text):
            strong.add(at)
            yield found
    if "model" in low:
        for m in _ASSIGN.finditer(text):
            value = m.group(1)
            if m.start(1) in strong or not is_plausible(value, "keyed"):
                continue
            found = _classified(n, m.start(1), value, "low", "model setting")
            if found:
                strong.add(m.start(1))
                yield found
    if not _HINT.search(text):
        return
    for m in _TOKEN.finditer(text):
        value = m.group(0)
        if m.start() in strong or not _SHAPE.search(value) or not has_family(value) or (
                "/" not in value and ":" not in value and not is_family_mention(value)):
            continue
        if _shape(value, True) is None or _context_excludes(text, m.start(), m.end(), value):
            continue
        found = _classified(n, m.start(), value, "low", "mention", mention=True)
        if found:
            yield found


def _commands(n: int, text: str) -> Iterator[tuple[_Mention, int]]:
    for verb in _OLLAMA.finditer(text):
        arg = _ollama_arg(text, verb.end())
        if arg is not None:
            value, at = arg
            yield _Mention(n, at + 1, value, "ollama", canonical_id(value, "ollama"), "medium", "command"), at
    for f in _FILE_FLAG.finditer(text):
        value, at = f.group(2).rstrip(".,:"), f.start(2)
        if not is_model_file(value) or _NON_MODEL_FILE.search(value):
            continue
        if f.group(1) == "-m" and not (_RUNNER.search(text[:f.start()]) or value.lower().endswith((".gguf", ".ggml",
                                                                                                      ".llamafile"))):
            continue  # `python -m module`, `git commit -m ...`
        yield _Mention(n, at + 1, value, "file", None, "medium", "model file in a command"), at
    for rx, hub in _COMMANDS:
        for m in rx.finditer(text):
            value, at = m.group(1), m.start(1)
            if hub != "huggingface" and not is_plausible(value, "keyed"):
                continue
            if hub == "huggingface":
                repo = value.split(":", 1)[0]
                if value.count("/") == 1 and is_hf_id(repo) and repo.split("/")[0].lower() not in _NOT_ORG:
                    yield _Mention(n, at + 1, value, "huggingface", repo, "medium", "command"), at
            else:
                found = _classified(n, at, value, "medium", "command")
                if found:
                    yield found, at


def _ollama_arg(text: str, pos: int) -> tuple[str, int] | None:
    """The model named after `ollama <verb>` (flags and their values skipped), with its offset."""
    skip = False
    for tok in re.finditer(r"\S+", text[pos:pos + 400]):
        word = tok.group(0)
        if _SHELL_STOP.match(word):
            return None
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _OLLAMA_VALUE_FLAGS
            continue
        m = re.match(r"[\"'`]?([A-Za-z0-9][\w.:/@-]*[A-Za-z0-9])[\"'`.,;:)]*$", word)
        if m is None:
            return None
        value = m.group(1)
        if not is_plausible(value, "keyed") or _excluded(value) or _looks_like_path(value):
            return None
        return value, pos + tok.start() + m.start(1)
    return None


def _from_url(n: int, col: int, url: str) -> _Mention | None:
    low = url.lower()
    if "huggingface.co/" in low or "hf.co/" in low:
        rid = hf_id_from_url(url if "://" in url else "https://" + url)
        if rid and rid.split("/")[0].lower() not in _NOT_ORG and is_hf_id(rid):
            return _Mention(n, col + 1, url, "huggingface", rid, "medium", "Hugging Face link")
        return None
    m = _OLLAMA_LIB.match(url)
    if m:
        tag = m.group(1).rstrip(".")
        return _Mention(n, col + 1, url, "ollama", canonical_id(tag, "ollama"), "medium", "Ollama library link")
    return None


def _classified(n: int, col: int, value: str, conf: Confidence, note: str, hub: Hub | None = None,
                mention: bool = False) -> _Mention | None:
    """A mention if `value` has the shape of a model id (HF repo, Ollama tag, API name or LiteLLM route)."""
    shape = _shape(value, mention)
    if shape is None:
        return None
    shub, canonical, provider = shape
    return _Mention(n, col + 1, value, shub or hub, canonical, conf, note, provider)


Shape = tuple[Hub | None, str | None, str | None]  # hub, canonical id, provider


@lru_cache(maxsize=65536)
def _shape(value: str, mention: bool) -> Shape | None:
    """Where a model-shaped `value` lives, or None when it is not model-shaped (cached: docs repeat names)."""
    if _excluded(value) or _looks_like_path(value):
        return None
    route = _route(value)
    if route:
        prefix, rest = route
        if (not mention and not (is_plausible(rest, "keyed") or is_hf_id(rest))) or _shape(rest, mention) is None:
            return None
        rhub: Hub = "ollama" if prefix.startswith("ollama") else "huggingface" if "/" in rest else "api"
        return rhub, canonical_id(rest, rhub) if rhub == "ollama" else rest, f"litellm/{prefix}"
    if value.count("/") > 1:
        return None
    name, _, tag = value.partition(":")
    if "/" in name:
        org, _, repo = name.partition("/")
        if org.lower() in _NOT_ORG or "." in org:
            return None
        if tag:  # a namespaced Ollama tag (`user/model:tag`)
            if not _named_family(repo) or (mention and not _concrete(repo + ":" + tag)):
                return None
            return "ollama", canonical_id(value, "ollama"), None
        if not is_hf_id(value) or (mention and not _named_family(repo)):
            return None
        return "huggingface", None, None
    if mention and (not is_plausible(value, "mention") or not _concrete(value)
                    or (tag and not _FAMILY_START.match(name))):  # `vllm-openai:latest` is an image
        return None
    if tag:
        return "ollama", canonical_id(value, "ollama"), None
    return None, None, None


# OpenAI's API model names: `openai/gpt-4o` is a LiteLLM route, `openai/whisper-large-v3` a Hub repo.
_OPENAI_API = re.compile(r"(?i)^(?:gpt-(?!oss|2\b|j\b|neo)|o\d|chatgpt|text-embedding|text-davinci|dall-e|tts-|"
                         r"whisper-1|gpt-image|omni-moderation|text-moderation|davinci|babbage|computer-use)")


def _route(value: str) -> tuple[str, str] | None:
    """`deepseek/deepseek-chat` -> ("deepseek", "deepseek-chat") when the prefix routes rather than names an org."""
    route = split_route(value.split(":", 1)[0] if value.count("/") == 1 and ":" in value else value)
    if route is None:
        return None
    prefix, rest = route
    if prefix == "openai" and not _OPENAI_API.match(rest):
        return None
    if prefix == "databricks" and not rest.startswith("databricks-"):
        return None
    if prefix == "huggingface" and "/" not in rest:
        return None
    if value.count("/") == 1 and ":" in value:
        rest = value.split("/", 1)[1]
    return prefix, rest


def _named_family(repo: str) -> bool:
    """`Meta-Llama-3-8B`, `Hermes-3-Llama-3.1-8B`: some dash-separated tail is a versioned family name."""
    parts = repo.split("-")
    return any(is_family_mention("-".join(parts[i:])) and _concrete("-".join(parts[i:])) for i in range(len(parts)))


def _concrete(value: str) -> bool:
    """Names of generic-word families ("step", "seed", "falcon") must carry a size or a variant."""
    m = _FAMILY_START.match(value)
    if not m or m.group(1).lower() not in _GENERIC:
        return True
    rest = value[m.end():]
    return bool(_SIZE.search(rest) or _VARIANT.search(rest))


def _excluded(value: str) -> bool:
    low = value.lower()
    return (low in _NOT_MODELS or bool(_STYLE_SUFFIX.search(value)) or bool(_SOFTWARE_SUFFIX.search(value))
            or bool(_NON_MODEL_FILE.search(value))
            or ("@" in value and "." in value.rsplit("@", 1)[1] and not value.rsplit("@", 1)[1][:1].isdigit()))


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "../", "~")) or "\\" in value


def _context_excludes(text: str, start: int, end: int, value: str) -> bool:
    """Words around a name that say it is something else: a package, a licence, a camera."""
    before = text[max(0, start - 40):start].lower()
    after = _WORD.findall(text[end:end + 40])
    nxt = after[0].lower() if after and not text[end:end + 1].isalnum() else ""
    if nxt in _PACKAGE_WORDS or nxt in ("license", "licence", "licensed"):
        return True
    return bool(re.search(r"licen[cs]e[ds]?\b[\s:*_`'\"]*(?:under\s+(?:the\s+)?)?[\s*_`'\"]*$", before))
