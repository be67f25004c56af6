"""The capability suite: every task is solvable (its reference passes its hidden tests in the real sandbox),
its tests can fail (a stub fails every task), the data is valid, the quick subset is sound and the hash stable."""

from __future__ import annotations

import ast
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from upstream.capability import sandbox
from upstream.capability.suite import Task, load_file, load_suite, select, suite_hash
from upstream.errors import ConfigError

FULL = load_suite("full")
QUICK = load_suite("quick")
WORKERS = max(2, os.cpu_count() or 2)
LIMITS = sandbox.Limits(seconds=30.0)  # generous: this machine may be busy; the reference needs far less


def _run_all(pairs: list[tuple[Task, str]]) -> list[sandbox.SandboxResult]:
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda p: sandbox.run_tests(p[1], p[0].tests, limits=LIMITS), pairs))


def test_size_mix_and_ids() -> None:
    assert len(FULL.tasks) >= 64
    levels = Counter(t.difficulty for t in FULL.tasks)
    assert levels["easy"] >= 16 and levels["medium"] >= 16 and levels["hard"] >= 12, levels
    ids = [t.id for t in FULL.tasks]
    assert len(ids) == len(set(ids))
    tags = Counter(tag for t in FULL.tasks for tag in t.tags)
    for tag in ("strings", "lists", "dicts", "math", "parsing", "recursion", "algorithms", "classes", "dates"):
        assert tags[tag] >= 3, (tag, tags)
    assert {t.language for t in FULL.tasks} == {"python"}


def test_every_task_is_well_formed() -> None:
    for t in FULL.tasks:
        assert t.solution, t.id
        assert f"`{t.entry_point}" in t.prompt, f"{t.id}: the prompt does not name {t.entry_point} in code"
        assert "xample" in t.prompt, f"{t.id}: no example in the prompt"
        tests = ast.parse(t.tests)
        names = {n.name for n in tests.body if isinstance(n, ast.FunctionDef)}
        assert any(n.startswith("test_") for n in names), t.id
        assert t.entry_point in t.tests, t.id
        tree = ast.parse(t.solution)
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        assert t.entry_point in defined, t.id
        imports = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                   for a in (n.names if isinstance(n, ast.Import) else [ast.alias(n.module or "")])}
        assert imports <= {"re", "math", "datetime", "calendar", "collections", "functools", "heapq", "bisect",
                           "urllib"}, (t.id, imports)


def test_every_reference_solution_passes_in_the_sandbox() -> None:
    results = _run_all([(t, t.solution or "") for t in FULL.tasks])
    failed = {t.id: (r.status, r.detail, r.stderr[-600:]) for t, r in zip(FULL.tasks, results, strict=True)
              if r.status != "passed"}
    assert not failed, failed
    slow = {t.id: round(r.seconds, 2) for t, r in zip(FULL.tasks, results, strict=True) if r.seconds > 8}
    assert not slow, f"reference solutions too close to the 10 s limit: {slow}"


def test_a_stub_fails_every_task() -> None:
    stubs = [(t, f"def {t.entry_point}(*a, **k):\n    return None\n") for t in FULL.tasks]
    results = _run_all(stubs)
    passed = [t.id for t, r in zip(FULL.tasks, results, strict=True) if r.status == "passed"]
    assert not passed, f"these tasks' tests pass for a function that returns None: {passed}"
    assert all(r.status == "failed" for r in results), Counter(r.status for r in results)


def test_quick_subset() -> None:
    assert QUICK.id == "upstream-coding-quick" and QUICK.id != FULL.id
    assert 12 <= len(QUICK.tasks) <= 20
    assert {t.difficulty for t in QUICK.tasks} == {"easy", "medium"}
    assert sum(t.difficulty == "easy" for t in QUICK.tasks) >= 8
    full = FULL.by_id()
    assert all(full[t.id] == t for t in QUICK.tasks), "quick tasks are the full suite's, unchanged"
    assert QUICK.instructions == FULL.instructions
    assert QUICK.hash != FULL.hash


# The suite hash per version. Changing a task's prompt, tests, entry point or difficulty, or the instructions,
# changes what a model is measured on: bump `version` in the YAML and pin the new hash here (with a note in
# docs/capability.md), so that runs with different hashes are never compared as if they were the same suite.
PINNED = {
    ("upstream-coding", "1.0.0"): "sha256:1d0ab2d5296a6cc9166ab632213c54b01c6e5c3087664d7dcaf2e2f364c3bd65",
    ("upstream-coding-quick", "1.0.0"): "sha256:a732754560a7cb7b3bdef345000d54474c54d57e572fa172e6594580f50488d8",
}


def test_the_hash_is_pinned_per_version() -> None:
    for suite in (FULL, QUICK):
        assert PINNED.get((suite.id, suite.version)) == suite.hash, (
            f"{suite.id} {suite.version} changed: bump its version and pin {suite.hash}")


def test_hash_is_stable_and_covers_what_the_model_sees() -> None:
    again = load_suite("full")
    assert again.hash == FULL.hash and FULL.hash.startswith("sha256:") and len(FULL.hash) == 71
    tasks = list(FULL.tasks)
    assert suite_hash(FULL.id, FULL.version, FULL.instructions, list(reversed(tasks))) == FULL.hash, "order-free"
    edited = [replace(tasks[0], prompt=tasks[0].prompt + " "), *tasks[1:]]
    assert suite_hash(FULL.id, FULL.version, FULL.instructions, edited) != FULL.hash
    tests_edited = [replace(tasks[0], tests=tasks[0].tests + "\n"), *tasks[1:]]
    assert suite_hash(FULL.id, FULL.version, FULL.instructions, tests_edited) != FULL.hash
    assert suite_hash(FULL.id, FULL.version, FULL.instructions + " Be brief.", tasks) != FULL.hash
    assert suite_hash(FULL.id, "9.9.9", FULL.instructions, tasks) != FULL.hash
    new_solution = [replace(tasks[0], solution="pass"), *tasks[1:]]
    assert suite_hash(FULL.id, FULL.version, FULL.instructions, new_solution) == FULL.hash, \
        "a fixed reference solution does not change what is measured"


def test_message_carries_the_prompt_and_the_instructions() -> None:
    task = FULL.by_id()["count-vowels"]
    message = FULL.message(task)
    assert message.startswith("Write a Python function `count_vowels(text: str) -> int`")
    assert "```python" in message and "Do not include tests" in message
    assert (task.solution or "").strip() not in message


def test_select_by_difficulty() -> None:
    easy = select(FULL, difficulties=("easy",))
    assert easy.tasks and {t.difficulty for t in easy.tasks} == {"easy"}
    assert easy.hash != FULL.hash
    assert select(FULL) is FULL
    with pytest.raises(ConfigError):
        select(FULL, ids=("no-such-task",))


GOOD_TASK = """
  - id: add-two
    title: Add two numbers
    difficulty: easy
    entry_point: add
    prompt: |
      Write `add(a, b)` returning the sum. Example: add(1, 2) == 3
    tests: |
      def test_add():
          assert add(1, 2) == 3
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_suite_file_loads(tmp_path: Path) -> None:
    suite = load_suite(str(_write(tmp_path, "suite: mine\nversion: 2\ntasks:" + GOOD_TASK)))
    assert suite.id == "mine" and suite.version == "2" and [t.id for t in suite.tasks] == ["add-two"]
    assert suite.tasks[0].solution is None and suite.tasks[0].language == "python"
    assert "```python" in suite.message(suite.tasks[0]), "default instructions"


def test_a_selection_file_picks_from_the_full_suite(tmp_path: Path) -> None:
    suite = load_suite(str(_write(tmp_path, "suite: pick\nversion: 1.0.0\ntasks: [leap-year, digit-sum]\n")))
    assert [t.id for t in suite.tasks] == ["leap-year", "digit-sum"]
    with pytest.raises(ConfigError, match="not in the full suite"):
        load_suite(str(_write(tmp_path, "suite: pick\nversion: 1\ntasks: [leap-year, nope]\n")))
    with pytest.raises(ConfigError, match="twice"):
        load_suite(str(_write(tmp_path, "suite: pick\nversion: 1\ntasks: [leap-year, leap-year]\n")))


@pytest.mark.parametrize(("text", "message"), [
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK + GOOD_TASK, "duplicate task id add-two"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("easy", "trivial"), "difficulty"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("entry_point: add", "entry_point: 2add"), "not a Python"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("assert add(1, 2) == 3", "assert add(1, 2) =="),
     "not valid Python"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("entry_point: add", "entry_point: plus"),
     "never names the entry point"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("title:", "language: rust\n    title:"), "language"),
    ("suite: s\nversion: 1\ntasks:" + GOOD_TASK.replace("title:", "answer: 3\n    title:"), "answer"),
    ("suite: s\nversion: 1\ntasks: []\n", "no tasks"),
    ("suite: s\ntasks:" + GOOD_TASK, "version"),
    ("suite: s\nversion: 1\ntasks: [\n", "not valid YAML"),
    ("- just\n- a list\n", "invalid capability suite"),
])
def test_bad_suite_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_suite(str(_write(tmp_path, text)))


def test_missing_and_unsafe_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such capability suite"):
        load_suite(str(tmp_path / "missing.yaml"))
    unsafe = _write(tmp_path, "suite: !!python/object/apply:os.system ['true']\nversion: 1\ntasks: []\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_file(unsafe)
