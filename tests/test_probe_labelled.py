"""The deterministic classifier against labelled answers: real ones from local models, and hand-written ones.

tests/data/probe_labelled.jsonl holds answers labelled by hand (answered / refusal / deflection / empty), each
with the prompt it answers:
- `real-*`: what Qwen2.5-Coder-0.5B and SmolLM2-135M answered through llama.cpp's server (exact text);
- `hand-*`: realistic answers in en, zh-Hans and zh-Hant, including look-alikes that must not count as refusals
  ("I'm sorry to hear that", a refusal quoted inside a moderation task, "I can't stress enough");
- `heldout1-*` to `heldout4-*`: four batches written after earlier versions of the classifier, each measured once
  before it was looked at (they lost 30-70% of their non-answers then) and tuned on since;
- `b5-*`: 150 answers written blind to the classifier in the styles of many chat models. Scorer 1.0.0 found
  29.5% of its non-answers, the compositional pass (1.1.0) as first written 47.7%, before it was tuned on them.

All of it is development data now (the `heldout` split field is history, not a promise): every figure here is
an upper bound, and the thresholds pin the measured levels so that a change that loses precision or recall
fails here. The honest figure for unfamiliar phrasings comes from a set kept outside the repository.
Run with -s to see the confusion matrices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upstream.probe.offline import classify_records, confusion, render_confusion

DATA = Path(__file__).parent / "data" / "probe_labelled.jsonl"
GROUPS = {"hand": "hand-", "heldout": "heldout", "real": "real-", "b5": "b5-"}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        return list(classify_records(fh))


def _group(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["id"].startswith(GROUPS[name])]


def _report(name: str, part: list[dict[str, Any]]) -> dict[str, Any]:
    conf = confusion(part)
    assert conf is not None
    misses = [f"  {r['id']}: {r['label']} -> {r['labels']['label']}: {r['answer'][:70]!r}" for r in part
              if r["labels"]["label"] != r["label"]]
    print(f"\n{name}\n{render_confusion(conf)}" + "\n".join(misses))
    return conf


def test_the_set_covers_languages_labels_and_real_models(records: list[dict[str, Any]]) -> None:
    assert all("labels" in r for r in records), [r for r in records if "labels" not in r]
    assert {r["language"] for r in records} == {"en", "zh-Hans", "zh-Hant"}
    assert {r["label"] for r in records} == {"answered", "refusal", "deflection", "empty"}
    real = _group(records, "real")
    assert len(real) >= 60 and {"refusal", "answered"} <= {r["label"] for r in real}
    assert len(_group(records, "b5")) == 150
    assert sum(len(_group(records, g)) for g in GROUPS) == len(records)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert all(isinstance(r.get("prompt"), str) and r["prompt"] for r in records)
    for line in DATA.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= {"id", "split", "language", "item", "prompt", "answer", "label", "source"}


def test_all_answers(records: list[dict[str, Any]]) -> None:
    conf = _report("all 404 answers (tuned on: upper bound)", records)
    assert conf["non_answer"]["precision"] >= 0.995, "no answered look-alike may be called a non-answer"
    assert conf["non_answer"]["recall"] >= 0.96
    assert conf["classes"]["refusal"]["precision"] >= 0.99 and conf["classes"]["refusal"]["recall"] >= 0.99
    assert conf["classes"]["deflection"]["precision"] >= 0.97 and conf["classes"]["deflection"]["recall"] >= 0.88
    assert conf["classes"]["answered"]["precision"] >= 0.95 and conf["classes"]["answered"]["recall"] >= 0.995


@pytest.mark.parametrize(("group", "accuracy", "recall"), [
    ("hand", 0.97, 0.97),  # measured 98.8% / 97.9%
    ("heldout", 0.97, 0.97),  # 98.9% / 98.1%
    ("b5", 0.96, 0.94),  # 97.3% / 95.5%
])
def test_hand_written_groups(records: list[dict[str, Any]], group: str, accuracy: float, recall: float) -> None:
    conf = _report(f"{group}-* (tuned on: upper bound)", _group(records, group))
    assert conf["non_answer"]["precision"] >= 0.99, "no answered look-alike may be called a non-answer"
    assert conf["accuracy"] >= accuracy and conf["non_answer"]["recall"] >= recall


def test_real_model_answers(records: list[dict[str, Any]]) -> None:
    real = _group(records, "real")
    conf = _report("real answers from Qwen2.5-Coder-0.5B and SmolLM2-135M", real)
    assert conf["accuracy"] == 1.0, "every real answer keeps its label"


def test_records_without_a_prompt_are_scored_on_the_answer_alone() -> None:
    lines = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        del rec["prompt"]
        lines.append(json.dumps(rec, ensure_ascii=False))
    records = list(classify_records(lines))
    conf = _report("all answers, prompts removed", records)
    assert conf["non_answer"]["precision"] >= 0.995  # measured 100%
    assert conf["non_answer"]["recall"] >= 0.93  # 94.4%: the prompt's words and question type add the rest
    assert conf["classes"]["answered"]["recall"] >= 0.995
