"""Capability on a task: the knowledge base's cited benchmark rows, and the team's own capability-probe runs.

Benchmark names in the knowledge base are written as their sources write them ("LiveCodeBench v6
(Aug24-May25)", "SWE-bench Verified (OpenHands)", "Aider-Polyglot"). `benchmark_key` maps each to a
canonical key and `benchmark_variant` keeps the rest (window, harness, mode). Two scores are comparable
only when they share the key, the variant (`variant_class`: LiveCodeBench windows parsed to months,
metric descriptors such as "Pass@1" dropped) and the kind of source (vendor-reported or independent).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from upstream.kb.loader import KnowledgeBase
from upstream.kb.schema import Benchmark
from upstream.models import BenchmarkScore, Capability, MeasuredRun
from upstream.resolve.facts import cite
from upstream.resolve.kb import index
from upstream.weigh.benchmarks import (
    BENCHMARKS,
    TASK_BENCHMARKS,
    BenchmarkInfo,
    benchmark_title,
    benchmark_unit,
)

# Order matters: more specific spellings first (humaneval+ before humaneval, swe-bench verified before swe-bench).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("swe-bench-verified", r"swe[\s_-]*bench[\s_-]*verified"),
    ("swe-bench-pro", r"swe[\s_-]*bench[\s_-]*pro\b"),
    ("swe-bench-multilingual", r"swe[\s_-]*bench[\s_-]*multi[\s_-]*lingual"),
    ("swe-bench-lite", r"swe[\s_-]*bench[\s_-]*lite\b"),
    ("swe-bench", r"swe[\s_-]*bench"),
    ("livecodebench", r"live[\s_-]*code[\s_-]*bench|\blcb\b"),
    ("aider-polyglot", r"aider[\s_-]*polyglot"),
    ("aider-edit", r"aider[\s_-]*(?:code[\s_-]*)?edit(?:ing)?"),
    ("humaneval-plus", r"human[\s_-]*eval[\s_-]*(?:\+|plus)"),
    ("humaneval-mul", r"human[\s_-]*eval[\s_-]*(?:mul\b|multi)"),
    ("multipl-e", r"multipl[\s_-]*e\b|human[\s_-]*eval[\s_-]*x\b"),
    ("humaneval", r"human[\s_-]*eval"),
    ("mbpp-plus", r"mbpp[\s_-]*(?:\+|plus)"),
    ("mbpp", r"\bmbpp\b"),
    ("bigcodebench", r"big[\s_-]*code[\s_-]*bench"),
    ("terminal-bench", r"terminal[\s_-]*bench"),
    ("codeforces", r"codeforces"),
    ("mmlu-pro", r"mmlu[\s_-]*pro\b"),
    ("mmlu", r"\bmmlu\b"),
    ("gpqa-diamond", r"gpqa"),
    ("ifeval", r"\bif[\s_-]*eval\b"),
    ("math-500", r"math[\s_-]*500"),
    ("aime", r"\baime\b"),
    ("hle", r"humanity'?s[\s_-]*last[\s_-]*exam|\bhle\b"),
    ("simpleqa", r"simple[\s_-]*qa"),
    ("arena-hard", r"arena[\s_-]*hard"),
)
_COMPILED = tuple((key, re.compile(rx, re.IGNORECASE)) for key, rx in _PATTERNS)

# Descriptors that name the metric rather than a different test set or harness.
_NOISE = re.compile(r"\bpass@1\b(?!-)|\bpass_rate_2\b|%|\b0-shot\b|\bpass rate\b", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


@lru_cache(maxsize=4096)
def benchmark_key(name: str) -> str | None:
    """The canonical key of a benchmark as a source names it; None when upstream does not know it."""
    for key, rx in _COMPILED:
        if rx.search(name):
            return key
    return None


@lru_cache(maxsize=4096)
def benchmark_variant(name: str) -> str | None:
    """What the name says beyond the benchmark itself (window, version, harness, mode), as written."""
    for _key, rx in _COMPILED:
        m = rx.search(name)
        if m:
            rest = re.sub(r"\s+", " ", f"{name[:m.start()]} {name[m.end():]}").strip(" ,:-")
            if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
                rest = rest[1:-1].strip()
            return rest or None
    return None


def _ym(year: int, month: int) -> str | None:
    year = year + 2000 if year < 100 else year
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 2000 <= year <= 2099 else None


def _window(text: str) -> str | None:
    """A LiveCodeBench problem window normalised to "YYYY-MM..YYYY-MM", when the text states one."""
    t = text.lower()
    m = re.search(r"(\d{4})-(\d{2})(?:-\d{2})?\s*\.\.\s*(\d{4})-(\d{2})", t)
    if m:
        a, b = _ym(int(m[1]), int(m[2])), _ym(int(m[3]), int(m[4]))
        return f"{a}..{b}" if a and b else None
    m = re.search(r"\b([a-z]{3})[a-z]*\s*'?(\d{2,4})\s*[-–]\s*([a-z]{3})[a-z]*\s*'?(\d{2,4})\b", t)
    if m and m[1] in _MONTHS and m[3] in _MONTHS:
        a, b = _ym(int(m[2]), _MONTHS[m[1]]), _ym(int(m[4]), _MONTHS[m[3]])
        return f"{a}..{b}" if a and b else None
    m = re.search(r"\b(\d{1,2})[/.](\d{1,2})\s*[-–]\s*(\d{1,2})[/.](\d{1,2})\b", t)
    if m:
        x1, y1, x2, y2 = (int(g) for g in m.groups())
        if x1 > 12 and x2 > 12:  # yy/m or yy.mm
            a, b = _ym(x1, y1), _ym(x2, y2)
        elif y1 > 12 and y2 > 12:  # m/yy
            a, b = _ym(y1, x1), _ym(y2, x2)
        else:
            return None
        return f"{a}..{b}" if a and b else None
    m = re.search(r"\b(\d{2})(\d{2})\s*[-–]\s*(\d{2})(\d{2})\b", t)
    if m:
        a, b = _ym(int(m[1]), int(m[2])), _ym(int(m[3]), int(m[4]))
        return f"{a}..{b}" if a and b else None
    return None


@lru_cache(maxsize=4096)
def variant_class(name: str) -> str:
    """The part of a benchmark name that decides comparability: "" when nothing beyond the metric is stated."""
    key = benchmark_key(name)
    variant = benchmark_variant(name) or ""
    if key == "livecodebench":
        window = _window(variant)
        if window:
            return window
        version = re.search(r"\bv(\d+)\b", variant.lower())
        mode = "cot" if "cot" in variant.lower() else ""
        rest = _NOISE.sub("", variant.lower().replace("pass@1", ""))
        rest = re.sub(r"\bv\d+\b|\bcot\b|[()\s,.-]+", " ", rest).strip()
        return " ".join(x for x in (f"v{version[1]}" if version else "", mode, rest) if x)
    cleaned = _NOISE.sub("", variant).lower()
    return re.sub(r"[\s(),;]+", " ", cleaned).strip(" -,")


def comparable(a: BenchmarkScore, b: BenchmarkScore) -> tuple[bool, str | None]:
    """Whether two scores can be set against each other, and why not when they cannot."""
    if a.benchmark != b.benchmark:
        return False, f"different benchmarks ({a.name}; {b.name})"
    notes = []
    if a.independent != b.independent:
        notes.append(f"{_source_kind(a)} against {_source_kind(b)}")
    va, vb = variant_class(a.name), variant_class(b.name)
    if a.benchmark == "livecodebench" and (not va or not vb):
        notes.append("LiveCodeBench problem window not stated" + (f" ({a.name}; {b.name})" if va or vb else ""))
    elif va != vb:
        notes.append(f"different variants ({a.name}; {b.name})")
    return (not notes), ("; ".join(notes) or None)


def _source_kind(s: BenchmarkScore) -> str:
    return "independent" if s.independent else "vendor-reported"


def source_kind(s: BenchmarkScore) -> str:
    """"independent" or "vendor-reported"."""
    return _source_kind(s)


# --------------------------------------------------------------------------- model text matching

_PAREN = re.compile(r"\([^)]*\)")
_SPLIT = re.compile(r"[\s_\-/:,]+")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in _SPLIT.split(text.lower().replace("(", " ").replace(")", " ")) if t)


def _model_tokens(model: str) -> tuple[str, ...]:
    name = model.strip().rsplit("/", 1)[-1]
    name = re.sub(r"[-_.](gguf|awq|gptq|mlx|fp8|bf16|int4|int8)\b.*$", "", name, flags=re.IGNORECASE)
    return _tokens(name.split(":", 1)[0])


@lru_cache(maxsize=4096)
def model_match(row_model: str, model: str | None) -> int:
    """How well a benchmark row's model text names `model`: 3 the same, 2 the same but a mode in brackets,
    1 the model's words all in the row (or the row's in the model's), 0 another model."""
    if not model:
        return 0
    want = _model_tokens(model)
    if not want:
        return 0
    full = _tokens(row_model)
    base = _tokens(_PAREN.sub(" ", row_model))
    if full == want:
        return 3
    if base == want:
        return 2
    if set(want) <= set(full) or (base and set(base) <= set(want)):
        return 1
    return 0


# --------------------------------------------------------------------------- capability of a model


def task_keys(task: str) -> tuple[str, ...]:
    """The benchmark keys of a task, primary first (an unknown task has none)."""
    return TASK_BENCHMARKS.get(task, ())


def rows_for(kb: KnowledgeBase, task: str, family: str | None = None) -> list[Benchmark]:
    """The knowledge base's benchmark rows for a task (and family)."""
    keys = set(task_keys(task))
    return [b for b in kb.benchmarks if (family is None or b.family == family) and benchmark_key(b.benchmark) in keys]


def score_of(row: Benchmark, kb: KnowledgeBase) -> BenchmarkScore:
    """One knowledge-base row as a cited BenchmarkScore."""
    key = benchmark_key(row.benchmark) or "unknown"
    return BenchmarkScore(benchmark=key, name=row.benchmark, family=row.family, model=row.model, score=row.score,
                          independent=row.independent, kind=row.kind, date=row.date, note=row.note,
                          sources=cite(list(row.sources), index(kb)))


_RowKey = tuple[int, int, int, str, float]


def _row_order(keys: tuple[str, ...], model: str | None) -> Callable[[BenchmarkScore], _RowKey]:
    rank = {k: i for i, k in enumerate(keys)}

    def key(s: BenchmarkScore) -> _RowKey:
        return (-model_match(s.model, model), rank.get(s.benchmark, len(rank)), int(s.independent),
                _neg_date(s.date), -s.score)
    return key


def _neg_date(date: str) -> str:
    """A sort key putting later dates first."""
    digits = re.sub(r"[^0-9]", "", date[:10]).ljust(8, "0")
    return "".join(chr(ord("9") - ord(c) + ord("0")) for c in digits)


def capability_of(family: str | None, model: str | None, task: str, kb: KnowledgeBase,
                  measured: Sequence[MeasuredRun] = ()) -> Capability:
    """The family's benchmark rows for the task, rows naming `model` first, and the team's capability runs.

    Vendor-reported and independent rows stay separate rows, each with its kind and sources."""
    keys = task_keys(task)
    scores = [score_of(b, kb) for b in rows_for(kb, task, family)] if family else []
    scores.sort(key=_row_order(keys, model))
    runs = [r for r in measured if r.kind == "capability"]
    return Capability(task=task, benchmarks=scores, measured=runs)


def best_row(scores: Iterable[BenchmarkScore], key: str, *, model: str | None = None,
             like: BenchmarkScore | None = None, independent: bool | None = None) -> BenchmarkScore | None:
    """The row to quote for `key`: comparable to `like` first (same kind of source, same variant), then naming
    `model`, then in the order `capability_of` gave (its model's rows first, vendor-reported before independent,
    latest first). `independent` keeps to one kind of source when there is a row of it."""
    rows = [(i, s) for i, s in enumerate(scores) if s.benchmark == key]
    if independent is not None and any(s.independent == independent for _, s in rows):
        rows = [(i, s) for i, s in rows if s.independent == independent]
    if not rows:
        return None

    def order(pair: tuple[int, BenchmarkScore]) -> tuple[int, int, int, int, int]:
        i, s = pair
        if like is None:
            return (0, 0, 0, -model_match(s.model, model), i)
        same_kind = like.independent == s.independent
        same_variant = variant_class(like.name) == variant_class(s.name)
        return (-int(comparable(like, s)[0]), -int(same_kind), -int(same_variant), -model_match(s.model, model), i)
    return min(rows, key=order)[1]


def measured_pass_at_1(run: MeasuredRun) -> float | None:
    """The overall pass@1 of a capability run, in percent (None when it has none)."""
    for m in run.metrics:
        if m.metric == "pass_at_1" and m.scope == "all" and m.lang == "*" and m.value is not None:
            return round(m.value * 100.0, 1) if m.value <= 1.0 else m.value
    return None


__all__ = [
    "BENCHMARKS", "TASK_BENCHMARKS", "BenchmarkInfo", "benchmark_key", "benchmark_title", "benchmark_unit",
    "benchmark_variant", "best_row", "capability_of", "comparable", "measured_pass_at_1", "model_match",
    "rows_for", "score_of", "source_kind", "task_keys", "variant_class",
]
