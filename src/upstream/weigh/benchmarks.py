"""The canonical benchmarks upstream knows: key, display name, unit, and which belong to which task.

Light on purpose (no knowledge base, no pydantic): report views import it to label benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

MEASURED_PREFIX = "capability-probe:"
"""FrontierPoint.benchmark of a team's capability-probe run: the prefix, then the suite"""


@dataclass(frozen=True, slots=True)
class BenchmarkInfo:
    """A canonical benchmark: its key, the name to print, and its unit ("%" or "rating")."""

    key: str
    title: str
    unit: str = "%"


BENCHMARKS: dict[str, BenchmarkInfo] = {b.key: b for b in (
    BenchmarkInfo("swe-bench-verified", "SWE-bench Verified"),
    BenchmarkInfo("swe-bench-pro", "SWE-bench Pro"),
    BenchmarkInfo("swe-bench-multilingual", "SWE-bench Multilingual"),
    BenchmarkInfo("swe-bench-lite", "SWE-bench Lite"),
    BenchmarkInfo("swe-bench", "SWE-bench"),
    BenchmarkInfo("livecodebench", "LiveCodeBench"),
    BenchmarkInfo("aider-polyglot", "Aider polyglot"),
    BenchmarkInfo("aider-edit", "Aider code editing"),
    BenchmarkInfo("humaneval-plus", "HumanEval+"),
    BenchmarkInfo("humaneval-mul", "HumanEval-Mul"),
    BenchmarkInfo("multipl-e", "MultiPL-E"),
    BenchmarkInfo("humaneval", "HumanEval"),
    BenchmarkInfo("mbpp-plus", "MBPP+"),
    BenchmarkInfo("mbpp", "MBPP"),
    BenchmarkInfo("bigcodebench", "BigCodeBench"),
    BenchmarkInfo("terminal-bench", "Terminal-Bench"),
    BenchmarkInfo("codeforces", "Codeforces", unit="rating"),
    BenchmarkInfo("mmlu-pro", "MMLU-Pro"),
    BenchmarkInfo("mmlu", "MMLU"),
    BenchmarkInfo("gpqa-diamond", "GPQA"),
    BenchmarkInfo("ifeval", "IFEval"),
    BenchmarkInfo("math-500", "MATH-500"),
    BenchmarkInfo("aime", "AIME"),
    BenchmarkInfo("hle", "Humanity's Last Exam"),
    BenchmarkInfo("simpleqa", "SimpleQA"),
    BenchmarkInfo("arena-hard", "Arena-Hard"),
)}

# Benchmarks per task, primary first. "general" maps keys only: the knowledge base holds no general rows yet,
# so a general task gets "capability unknown" until rows are added (never invented ones).
TASK_BENCHMARKS: dict[str, tuple[str, ...]] = {
    "coding": ("swe-bench-verified", "livecodebench", "aider-polyglot", "humaneval-plus", "humaneval",
               "humaneval-mul", "multipl-e", "mbpp-plus", "mbpp", "bigcodebench", "terminal-bench",
               "swe-bench-pro", "swe-bench-multilingual", "swe-bench-lite", "swe-bench", "aider-edit",
               "codeforces"),
    "general": ("mmlu-pro", "gpqa-diamond", "mmlu", "ifeval", "hle", "simpleqa", "arena-hard", "math-500", "aime"),
}


def benchmark_title(key: str) -> str:
    info = BENCHMARKS.get(key)
    return info.title if info else key


def benchmark_unit(key: str) -> str:
    info = BENCHMARKS.get(key)
    return info.unit if info else "%"
