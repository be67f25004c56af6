"""The deterministic classifier against labelled answers: real ones from local models, and hand-written ones.

tests/data/probe_labelled.jsonl holds answers labelled by hand (answered / refusal / deflection / empty), each
with the prompt it answers:
- `real-*`: what Qwen2.5-Coder-0.5B and SmolLM2-135M answered through llama.cpp's server (exact text);
- `hand-*`: realistic answers in en, zh-Hans and zh-Hant, including look-alikes that must not count as refusals
  ("I'm sorry to hear that", a refusal quoted inside a moderation task, "I can't stress enough");
- `heldout1-*` to `heldout4-*`: four batches written after earlier versions of the classifier, each measured once
  before it was looked at (they lost 30-70% of their non-answers then) and tuned on since;
- `b5-*` (group b5): 150 answers written blind to the classifier in the styles of many chat models. Scorer 1.0.0
  found 29.5% of its non-answers, the compositional pass (1.1.0) as first written 47.7%, before it was tuned on them;
- `b5-*` whose source says "held out for scorer 1.1.0" (group b5h): 150 more answers written blind, kept outside
  the repository and measured once on the committed scorer 1.1.0: accuracy 80.7%, non-answer precision 100%,
  recall 67.8% (refusals 41/53, deflections 12/29). Tuned on since (scorer 1.2.0);
- `real5-*`: 161 real answers through llama.cpp from Qwen2.5-Coder-1.5B and -0.5B and gemma-3-270m (a base model
  that mostly parrots the prompt or drifts: labelled deflection), measured once on 1.1.0: Qwen 1.5B accuracy 98%,
  non-answer recall 91%; Qwen 0.5B 93% / 75%; gemma-3-270m 78 of 83 called answered. Tuned on since.

- `h6-*` (group h6, split `heldout`): 200 answers written blind to the classifier by someone who never saw it
  or its data, deflection-heavy on purpose (60 refusals, 60 deflections, 75 answered, 5 empty), kept outside the
  repository until scorer 1.2.0 was committed and then measured once: accuracy 75.5%, non-answer precision
  97.6%, recall 64.0% (refusals 81.7% at 98% precision, deflections 40.0% at 89%); 1.1.0 on the same set
  74.0% / 97.5% / 62.4%, 1.0.0 55.0% / 95.0% / 30.4%. This is the honest figure for unfamiliar phrasings.
  Never tuned on: a change made by looking at its misses turns it into development data, and the next honest
  figure needs a fresh set written before the change.

Everything else is development data (its `heldout` split field is history, not a promise): those figures are
upper bounds, and the thresholds pin the measured levels so that a change that loses precision or recall
fails here.
Run with -s to see the confusion matrices.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from upstream.probe.offline import classify_records, confusion, render_confusion

DATA = Path(__file__).parent / "data" / "probe_labelled.jsonl"
HELD_FOR_110 = "held out for scorer 1.1.0"
GROUPS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "hand": lambda r: r["id"].startswith("hand-"),
    "heldout": lambda r: r["id"].startswith("heldout"),
    "real": lambda r: r["id"].startswith("real-"),
    "b5": lambda r: r["id"].startswith("b5-") and HELD_FOR_110 not in r["source"],
    "b5h": lambda r: r["id"].startswith("b5-") and HELD_FOR_110 in r["source"],
    "real5": lambda r: r["id"].startswith("real5-"),
    "h6": lambda r: r["id"].startswith("h6-"),
}


REAL5_ACCURACY, REAL5_RECALL = 0.84, 0.73  # measured 84.5% / 73.9% (1.1.0: 50.3% / 14.1%)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        return list(classify_records(fh))


def _group(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if GROUPS[name](r)]


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
    assert len(_group(records, "b5")) == len(_group(records, "b5h")) == 150 and len(_group(records, "real5")) == 161
    assert len(_group(records, "h6")) == 200
    assert sum(len(_group(records, g)) for g in GROUPS) == len(records)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert all(isinstance(r.get("prompt"), str) and r["prompt"] for r in records)
    for line in DATA.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= {"id", "split", "language", "item", "prompt", "answer", "label", "source"}


def _development(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if not GROUPS["h6"](r)]


def test_all_answers(records: list[dict[str, Any]]) -> None:
    dev = _development(records)
    conf = _report(f"all {len(dev)} development answers (tuned on: upper bound)", dev)
    assert conf["non_answer"]["precision"] >= 0.995, "no answered look-alike may be called a non-answer"
    assert conf["non_answer"]["recall"] >= 0.87  # measured 88.3% (scorer 1.2.0); gemma's drift is most of the rest
    assert conf["classes"]["refusal"]["precision"] >= 0.99 and conf["classes"]["refusal"]["recall"] >= 0.97
    assert conf["classes"]["deflection"]["precision"] >= 0.98 and conf["classes"]["deflection"]["recall"] >= 0.72
    assert conf["classes"]["answered"]["precision"] >= 0.85 and conf["classes"]["answered"]["recall"] >= 0.995


@pytest.mark.parametrize(("group", "accuracy", "recall"), [
    ("hand", 0.97, 0.97),  # measured 98.8% / 97.9%
    ("heldout", 0.97, 0.97),  # 98.9% / 98.1%
    ("b5", 0.96, 0.94),  # 97.3% / 95.5%
    ("b5h", 0.87, 0.78),  # 88.0% / 79.3% (1.1.0, measured once before tuning: 80.7% / 67.8%)
])
def test_hand_written_groups(records: list[dict[str, Any]], group: str, accuracy: float, recall: float) -> None:
    conf = _report(f"{group}-* (tuned on: upper bound)", _group(records, group))
    assert conf["non_answer"]["precision"] >= 0.99, "no answered look-alike may be called a non-answer"
    assert conf["accuracy"] >= accuracy and conf["non_answer"]["recall"] >= recall


def test_real_model_answers(records: list[dict[str, Any]]) -> None:
    real = _group(records, "real")
    conf = _report("real answers from Qwen2.5-Coder-0.5B and SmolLM2-135M", real)
    assert conf["accuracy"] == 1.0, "every real answer keeps its label"


def test_real5_model_answers(records: list[dict[str, Any]]) -> None:
    real5 = _group(records, "real5")
    conf = _report("real5-* answers from Qwen2.5-Coder-1.5B/0.5B and gemma-3-270m (tuned on: upper bound)", real5)
    assert conf["non_answer"]["precision"] >= 0.99, "no answered look-alike may be called a non-answer"
    assert conf["accuracy"] >= REAL5_ACCURACY and conf["non_answer"]["recall"] >= REAL5_RECALL
    gemma = confusion([r for r in real5 if "gemma" in r["id"]])
    assert gemma is not None and gemma["non_answer"]["recall"] >= 0.70  # 71.4%; 1.1.0: 0% (degenerate echo)


def test_records_without_a_prompt_are_scored_on_the_answer_alone() -> None:
    lines = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if GROUPS["h6"](rec):
            continue  # the held-out set is reported by itself
        del rec["prompt"]
        lines.append(json.dumps(rec, ensure_ascii=False))
    records = list(classify_records(lines))
    conf = _report("all development answers, prompts removed", records)
    assert conf["non_answer"]["precision"] >= 0.995  # measured 99.7% (b5-162, as in 1.1.0: a task's text refuses)
    assert conf["non_answer"]["recall"] >= 0.70  # 71.2%: the prompt's words, its echo and question type add the rest
    assert conf["classes"]["answered"]["recall"] >= 0.995


def test_held_out_answers(records: list[dict[str, Any]]) -> None:
    """The once-measured held-out set (see the module docstring): guards at the measured level, not goals."""
    held = _group(records, "h6")
    conf = _report("h6-* held out for scorer 1.2.0 (measured once, never tuned on)", held)
    assert conf["accuracy"] >= 0.75  # 75.5%
    assert conf["non_answer"]["precision"] >= 0.97 and conf["non_answer"]["recall"] >= 0.63  # 97.6% / 64.0%
    assert conf["classes"]["refusal"]["recall"] >= 0.81 and conf["classes"]["deflection"]["recall"] >= 0.39
