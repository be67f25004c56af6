"""The deterministic classifier against labelled answers: real ones from local models, and hand-written ones.

tests/data/probe_labelled.jsonl holds answers labelled by hand (answered / refusal / deflection / empty):
- `real-*`: what Qwen2.5-Coder-0.5B and SmolLM2-135M answered through llama.cpp's server (exact text);
- `hand-*`: realistic answers in en, zh-Hans and zh-Hant, including look-alikes that must not count as refusals
  ("I'm sorry to hear that", a refusal quoted inside a moderation task, "I can't stress enough");
- `split: heldout`: written after the classifier was frozen and never tuned on. Its recall is the honest
  figure for unfamiliar phrasings (low: the lexicon is precise, not exhaustive; judges add recall).

The dev numbers are upper bounds (the lexicon was developed against them); the thresholds pin them so that a
change that loses precision or recall fails here. Run with -s to see the confusion matrices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upstream.probe.offline import classify_records, confusion, render_confusion

DATA = Path(__file__).parent / "data" / "probe_labelled.jsonl"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        return list(classify_records(fh))


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
    real = [r for r in records if r["id"].startswith("real-")]
    assert len(real) >= 60 and {"refusal", "answered"} <= {r["label"] for r in real}
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for line in DATA.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= {"id", "split", "language", "item", "prompt", "answer", "label", "source"}


def test_dev_precision_and_recall(records: list[dict[str, Any]]) -> None:
    dev = [r for r in records if r.get("split") != "heldout"]
    conf = _report("dev (tuned on: upper bound)", dev)
    assert conf["non_answer"]["precision"] >= 0.97
    assert conf["non_answer"]["recall"] >= 0.95
    assert conf["classes"]["refusal"]["precision"] >= 0.97 and conf["classes"]["refusal"]["recall"] >= 0.97
    assert conf["classes"]["answered"]["precision"] >= 0.95 and conf["classes"]["answered"]["recall"] >= 0.97


def test_real_model_answers(records: list[dict[str, Any]]) -> None:
    real = [r for r in records if r["id"].startswith("real-")]
    conf = _report("real answers from Qwen2.5-Coder-0.5B and SmolLM2-135M", real)
    assert conf["non_answer"]["precision"] >= 0.97 and conf["non_answer"]["recall"] >= 0.95


def test_held_out_answers(records: list[dict[str, Any]]) -> None:
    held = [r for r in records if r.get("split") == "heldout"]
    conf = _report("held out (never tuned on: the honest figure)", held)
    assert len(held) >= 15
    assert conf["non_answer"]["precision"] >= 0.95, "no answered look-alike may be called a refusal"
    assert conf["non_answer"]["recall"] >= 0.25, "regression guard at the measured level (27%), not a goal"
