"""Work on saved data without any endpoint: re-score answers (`probe classify`), compare two runs.

`classify` reads JSONL records `{"prompt", "answer", "language"?, "item"?, "reasoning"?, "label"?}`: the
language is the prompt's (detected when absent), the prompt's text lets the scorer weigh whether a short answer
engages it (a record without one is scored on the answer alone), `item` a suite item id (adds its key facts and
markers), `label` a human label (answered / refusal / deflection / empty) to check the classifier against.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from upstream.errors import ConfigError
from upstream.probe.results import ItemResult, result_from_dict
from upstream.probe.scoring import SCORER_VERSION, score
from upstream.probe.scoring.language import detect_language
from upstream.probe.stats import MIN_N
from upstream.probe.suite import Item, load_suite
from upstream.probe.summary import compare_runs
from upstream.probe.transport import split_reasoning

CLASSES = ("answered", "refusal", "deflection", "empty")
MAX_LINE = 1 << 20


def classify_records(lines: Iterable[str], items: dict[str, Item] | None = None) -> Iterator[dict[str, Any]]:
    """One output record per input line: the input fields plus `labels`, or `error` for a bad line."""
    lookup = items
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            yield {"line": number, "error": "line longer than 1 MiB"}
            continue
        try:
            rec = json.loads(line)
        except ValueError as exc:
            yield {"line": number, "error": f"not JSON: {exc}"}
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("answer"), str):
            yield {"line": number, "error": "expected an object with an 'answer' string"}
            continue
        item_id = rec.get("item") or rec.get("item_id")
        item = None
        if isinstance(item_id, str):
            if lookup is None:
                lookup = load_suite("full").by_id()
            item = lookup.get(item_id)
        prompt = rec["prompt"] if isinstance(rec.get("prompt"), str) else ""
        lang = rec.get("language") or rec.get("lang")
        if not isinstance(lang, str) or not lang:
            lang = detect_language(prompt) if prompt else "unknown"
        answer, inline = split_reasoning(rec["answer"])
        reasoning = rec.get("reasoning") if isinstance(rec.get("reasoning"), str) else ""
        lab = score(answer, lang, item, "\n".join(x for x in (reasoning, inline) if x), prompt)
        labels = asdict(lab)
        labels.update(non_answer=lab.non_answer, omission=lab.omission, prompt_lang=lang,
                      item_found=item is not None if item_id else None, scorer_version=SCORER_VERSION)
        yield {**rec, "labels": labels}


def confusion(records: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """Confusion matrix and per-class precision/recall for records that carry a human `label`."""
    pairs = [(r["label"], r["labels"]["label"]) for r in records
             if "labels" in r and isinstance(r.get("label"), str) and r["label"] in CLASSES]
    if not pairs:
        return None
    matrix = Counter(pairs)
    per_class = {}
    for c in CLASSES:
        tp = matrix[(c, c)]
        predicted = sum(v for (_, p), v in matrix.items() if p == c)
        actual = sum(v for (t, _), v in matrix.items() if t == c)
        per_class[c] = {"precision": tp / predicted if predicted else None,
                        "recall": tp / actual if actual else None, "support": actual}
    gold_na = [t != "answered" for t, _ in pairs]
    pred_na = [p != "answered" for _, p in pairs]
    tp = sum(1 for g, p in zip(gold_na, pred_na, strict=True) if g and p)
    return {"n": len(pairs), "accuracy": sum(1 for t, p in pairs if t == p) / len(pairs),
            "matrix": {t: {p: matrix[(t, p)] for p in CLASSES} for t in CLASSES}, "classes": per_class,
            "non_answer": {"precision": tp / sum(pred_na) if sum(pred_na) else None,
                           "recall": tp / sum(gold_na) if sum(gold_na) else None}}


def render_confusion(conf: dict[str, Any]) -> str:
    head = "gold \\ predicted".ljust(18) + "".join(c.rjust(12) for c in CLASSES)
    rows = [head] + [t.ljust(18) + "".join(str(conf["matrix"][t][p]).rjust(12) for p in CLASSES) for t in CLASSES]
    na = conf["non_answer"]

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1%}"

    rows.append(f"n={conf['n']} accuracy {conf['accuracy']:.1%}; non-answer precision {pct(na['precision'])}, "
                f"recall {pct(na['recall'])}")
    return "\n".join(rows) + "\n"


def load_report(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read probe report {path}: {exc}",
                          hint="write one with `upstream probe ... -f json -o FILE`") from None
    if not isinstance(doc, dict) or doc.get("kind") != "probe" or not isinstance(doc.get("results"), list):
        raise ConfigError(f"{path} is not a probe report (expected JSON from `upstream probe -f json`)")
    return doc


def compare(path_a: str, path_b: str, min_n: int = MIN_N) -> dict[str, Any]:
    """Paired per-topic differences in non-answer share, run B minus run A."""
    docs = [load_report(p) for p in (path_a, path_b)]
    runs: list[list[ItemResult]] = []
    for doc, path in zip(docs, (path_a, path_b), strict=True):
        try:
            runs.append([result_from_dict(r) for r in doc["results"]])
        except (TypeError, KeyError) as exc:
            raise ConfigError(f"{path}: malformed results: {exc}") from None
    indices = compare_runs(runs[0], runs[1], min_n)
    keys = ("model", "endpoint", "suite", "suite_version", "suite_hash", "date", "params", "system_prompt_sha256")
    fa, fb = (d.get("fingerprint") or {} for d in docs)
    pairs = max((i.n for i in indices if i.scope == "all"), default=0)
    return {"kind": "probe-compare", "a": {k: fa.get(k) for k in keys}, "b": {k: fb.get(k) for k in keys},
            "pairs": pairs, "min_n": min_n, "indices": [asdict(i) for i in indices]}
