"""Capability from the real knowledge base: benchmark names to canonical keys, rows per family, comparability."""

from __future__ import annotations

import pytest

from upstream.kb.loader import KnowledgeBase, default_kb
from upstream.models import BenchmarkScore, MeasuredRun, Measurement
from upstream.weigh.capability import (
    BENCHMARKS,
    TASK_BENCHMARKS,
    benchmark_key,
    benchmark_variant,
    best_row,
    capability_of,
    comparable,
    measured_pass_at_1,
    model_match,
    rows_for,
    variant_class,
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


def test_every_benchmark_name_in_the_kb_has_a_canonical_key_of_a_task(kb: KnowledgeBase) -> None:
    names = sorted({b.benchmark for b in kb.benchmarks})
    assert len(names) > 20
    unmapped = [n for n in names if benchmark_key(n) is None]
    assert unmapped == []
    task_keys = {k for keys in TASK_BENCHMARKS.values() for k in keys}
    assert {benchmark_key(n) for n in names} <= task_keys
    assert all(k in BENCHMARKS for k in task_keys)


@pytest.mark.parametrize(("name", "key", "variant"), [
    ("LiveCodeBench v6 (Aug24-May25)", "livecodebench", "v6 (Aug24-May25)"),
    ("LiveCodeBench (Pass@1-CoT)", "livecodebench", "Pass@1-CoT"),
    ("LiveCodeBench", "livecodebench", None),
    ("SWE-bench Verified (OpenHands, Nebius run)", "swe-bench-verified", "OpenHands, Nebius run"),
    ("SWE-bench Verified", "swe-bench-verified", None),
    ("SWE-bench (full/lite, pre-Verified)", "swe-bench", "full/lite, pre-Verified"),
    ("Aider polyglot (pass_rate_2, %)", "aider-polyglot", "pass_rate_2, %"),
    ("Aider-Polyglot", "aider-polyglot", None),
    ("HumanEval (0-shot)", "humaneval", "0-shot"),
    ("HumanEval-Mul", "humaneval-mul", None),
    ("HumanEval+", "humaneval-plus", None),
    ("EvalPlus HumanEval+ (base)", "humaneval-plus", "EvalPlus (base)"),
    ("Terminal-bench", "terminal-bench", None),
    ("Codeforces rating", "codeforces", "rating"),
    ("MMLU-Pro", "mmlu-pro", None),
])
def test_benchmark_key_and_variant(name: str, key: str, variant: str | None) -> None:
    assert benchmark_key(name) == key
    assert benchmark_variant(name) == variant


@pytest.mark.parametrize("name", ["Chatbot Arena Elo", "MMMU", "tokens per second", ""])
def test_unknown_benchmarks_have_no_key(name: str) -> None:
    assert benchmark_key(name) is None


def test_livecodebench_windows_written_differently_are_the_same_window() -> None:
    same = ["LiveCodeBench v6 (Aug24-May25)", "LiveCodeBench (24/8-25/5)", "LiveCodeBench (2408-2505)"]
    assert {variant_class(n) for n in same} == {"2024-08..2025-05"}
    assert variant_class("LiveCodeBench (8/24-2/25)") == "2024-08..2025-02"
    assert variant_class("LiveCodeBench (2024-10-01..2025-02-01)") == "2024-10..2025-02"
    # metric descriptors do not make a different variant; harnesses do
    assert variant_class("Aider polyglot (pass_rate_2, %)") == variant_class("Aider-Polyglot") == ""
    assert variant_class("SWE-bench Verified (OpenHands)") != variant_class("SWE-bench Verified")


def _score(name: str, score: float, independent: bool = False, model: str = "m") -> BenchmarkScore:
    return BenchmarkScore(benchmark=benchmark_key(name) or "?", name=name, family="f", model=model, score=score,
                          independent=independent, kind="independent" if independent else "vendor-reported",
                          date="2025-01-01")


def test_comparable_needs_same_variant_and_same_kind_of_source() -> None:
    vendor = _score("SWE-bench Verified", 42.0)
    assert comparable(vendor, _score("SWE-bench Verified", 60.0)) == (True, None)
    ok, why = comparable(vendor, _score("SWE-bench Verified (swebench.com)", 60.0, independent=True))
    assert not ok and why is not None and "vendor-reported against independent" in why
    ok, why = comparable(vendor, _score("SWE-bench Verified (OpenHands)", 60.0))
    assert not ok and why is not None and "different variants" in why
    # LiveCodeBench without a stated window is never comparable: windows differ in difficulty
    ok, why = comparable(_score("LiveCodeBench", 40.0), _score("LiveCodeBench", 50.0))
    assert not ok and why is not None and "window" in why
    assert comparable(_score("LiveCodeBench (2408-2505)", 73.3), _score("LiveCodeBench v6 (Aug24-May25)", 53.7))[0]


def test_capability_of_deepseek_v3_cites_rows_and_keeps_kinds_apart(kb: KnowledgeBase) -> None:
    cap = capability_of("deepseek-v3", "deepseek-ai/DeepSeek-V3", "coding", kb)
    assert cap.task == "coding" and cap.measured == []
    assert cap.benchmarks, "the KB has DeepSeek-V3 coding rows"
    assert all(s.family == "deepseek-v3" for s in cap.benchmarks)
    # rows naming the resolved model come first
    assert cap.benchmarks[0].model == "DeepSeek-V3"
    swe = next(s for s in cap.benchmarks if s.benchmark == "swe-bench-verified")
    assert (swe.score, swe.independent, swe.kind, swe.date) == (42.0, False, "vendor-reported", "2024-12-26")
    assert [s.id for s in swe.sources] == ["gh-ds-v3"] and swe.sources[0].title and swe.sources[0].url
    # vendor-reported and independent Aider rows are separate rows, each saying which it is
    aider = [s for s in cap.benchmarks if s.benchmark == "aider-polyglot"]
    assert {s.independent for s in aider} == {True, False}
    assert all(s.sources and s.date for s in cap.benchmarks)
    assert {s.benchmark for s in cap.benchmarks} <= set(TASK_BENCHMARKS["coding"])


def test_capability_orders_rows_of_the_named_model_first(kb: KnowledgeBase) -> None:
    cap = capability_of("deepseek-r1", "deepseek-ai/DeepSeek-R1-0528", "coding", kb)
    assert cap.benchmarks[0].model in ("DeepSeek-R1-0528", "DeepSeek R1 (0528)")
    assert model_match("DeepSeek R1 (0528)", "deepseek-ai/DeepSeek-R1-0528") == 3
    assert model_match("gpt-oss-120b (high)", "openai/gpt-oss-120b") == 2
    assert model_match("Llama 3.3 70B Instruct", "meta-llama/Llama-3.1-8B-Instruct") == 0


def test_capability_of_unknown_family_or_task_is_empty_not_invented(kb: KnowledgeBase) -> None:
    assert capability_of(None, "someone/private-ft", "coding", kb).benchmarks == []
    assert capability_of("no-such-family", None, "coding", kb).benchmarks == []
    assert capability_of("deepseek-v3", None, "translation", kb).benchmarks == []
    # coding rows never count as general capability
    general = capability_of("deepseek-v3", None, "general", kb).benchmarks
    assert all(s.benchmark in TASK_BENCHMARKS["general"] for s in general)
    assert all(benchmark_key(b.benchmark) in TASK_BENCHMARKS["general"] for b in rows_for(kb, "general"))


def test_capability_keeps_only_capability_runs() -> None:
    kb = default_kb()
    cap_run = MeasuredRun(kind="capability", source="cap.json", model="m", suite="upstream-coding",
                          metrics=[Measurement(metric="pass_at_1", value=0.42, low=0.3, high=0.55, n=60)])
    beh_run = MeasuredRun(kind="behaviour", source="probe.json", model="m", suite="china-sensitive")
    cap = capability_of("qwen2.5-coder", "Qwen/Qwen2.5-Coder-7B-Instruct", "coding", kb, measured=[cap_run, beh_run])
    assert cap.measured == [cap_run]
    assert measured_pass_at_1(cap_run) == 42.0


def test_best_row_prefers_a_row_comparable_to_the_other_side() -> None:
    rows = [_score("Aider polyglot (pass_rate_2, %)", 70.0, independent=True, model="X (high)"),
            _score("Aider-Polyglot", 60.0, model="X")]
    like = _score("Aider-Polyglot", 49.6)
    picked = best_row(rows, "aider-polyglot", like=like)
    assert picked is not None and picked.score == 60.0
    picked = best_row(rows, "aider-polyglot", like=_score("Aider-Polyglot", 49.6, independent=True))
    assert picked is not None and picked.score == 70.0
    assert best_row(rows, "swe-bench-verified") is None
