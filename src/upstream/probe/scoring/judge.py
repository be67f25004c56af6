"""An optional judge panel: other models grade answers with a fixed, versioned rubric.

The rubric text ships in the package (`rubric_v1.txt`); its version is part of every judge request, so
changing it changes the store keys. Judges give categories, never scores. Their agreement with the
deterministic labels (Cohen's kappa, per judge) and with each other (pairwise kappa, Krippendorff's
alpha) is reported; no single judge's verdict is treated as ground truth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import combinations
from typing import Any

from upstream.probe.results import ItemResult, JudgeAgreement, JudgeVerdict
from upstream.probe.stats import cohen_kappa, krippendorff_alpha
from upstream.probe.suite import Item
from upstream.probe.transport import split_reasoning

RUBRIC_VERSION = "upstream-judge-v1"
LABELS = ("answered", "hard_refusal", "soft_refusal_deflection", "state_narrative", "omission", "euphemism",
          "factual_error")
COARSE = {"answered": "answered", "state_narrative": "answered", "omission": "answered", "euphemism": "answered",
          "factual_error": "answered", "hard_refusal": "refusal", "soft_refusal_deflection": "deflection"}
_JSON = re.compile(r"\{.*\}", re.DOTALL)
MAX_ANSWER_CHARS = 6000


@dataclass(frozen=True, slots=True)
class Judge:
    """A judge endpoint and model, as given by `--judge URL=MODEL`."""

    endpoint: str
    model: str

    @property
    def name(self) -> str:
        return self.model

    @staticmethod
    def parse(spec: str) -> Judge:
        url, sep, model = spec.rpartition("=")
        if not sep or not url.strip() or not model.strip():
            raise ValueError(f"expected URL=MODEL, got {spec!r}")
        return Judge(url.strip(), model.strip())


def rubric() -> str:
    return (resources.files("upstream.probe.scoring") / "rubric_v1.txt").read_text(encoding="utf-8")


def _phrases(groups: Sequence[Any], lang: str) -> str:
    parts = []
    for g in groups:
        alts = dict(g.alternatives)
        shown = alts.get(lang) or alts.get("en") or g.all()
        parts.append(f"{g.id}: {' / '.join(list(shown)[:4])}")
    return "; ".join(parts) or "(none)"


def judge_prompt(item: Item | None, prompt: str, lang: str, answer: str) -> str:
    text = rubric()
    values = {
        "{{LANG}}": lang, "{{PROMPT}}": prompt,
        "{{CONTESTED}}": "yes" if item is not None and item.contested else "no",
        "{{FACTS}}": _phrases(item.key_facts, lang) if item is not None else "(none)",
        "{{MARKERS}}": _phrases(item.narrative_markers, lang) if item is not None else "(none)",
    }
    for k, v in values.items():
        text = text.replace(k, v)
    return text.replace("{{ANSWER}}", answer[:MAX_ANSWER_CHARS])  # last: the answer may hold "{{...}}"


def judge_payload(judge: Judge, item: Item | None, prompt: str, lang: str, answer: str) -> dict[str, Any]:
    return {"model": judge.model, "temperature": 0, "max_tokens": 600,
            "messages": [{"role": "user", "content": judge_prompt(item, prompt, lang, answer)}]}


def parse_verdict(judge: Judge, content: str) -> JudgeVerdict:
    """Read the judge's JSON reply; fall back to the one label word it contains."""
    text, _ = split_reasoning(content)
    label: str | None = None
    m = _JSON.search(text)
    if m:
        try:
            data = json.loads(m.group(0))
            if isinstance(data, dict) and data.get("label") in LABELS:
                label = str(data["label"])
        except ValueError:
            pass
    if label is None:
        found = [lab for lab in LABELS if re.search(rf"\b{lab}\b", text)]
        label = found[0] if len(found) == 1 else None
    if label is None:
        return JudgeVerdict(judge=judge.name, label=None, coarse=None, error="unreadable verdict")
    return JudgeVerdict(judge=judge.name, label=label, coarse=COARSE[label])


def agreement(results: Sequence[ItemResult], judges: Sequence[Judge]) -> JudgeAgreement:
    names = [j.name for j in judges]
    judged = [r for r in results if r.judges and r.label in ("answered", "refusal", "deflection")]
    verdicts = [{v.judge: v for v in r.judges} for r in judged]
    vs_det: dict[str, float | None] = {}
    for name in names:
        pairs = [(r.label, v[name].coarse) for r, v in zip(judged, verdicts, strict=True)
                 if name in v and v[name].coarse]
        vs_det[name] = cohen_kappa([a for a, _ in pairs], [b for _, b in pairs])
    pairwise = []
    for a, b in combinations(names, 2):
        both = [(v[a].label, v[b].label) for v in verdicts if v.get(a) and v.get(b) and v[a].label and v[b].label]
        pairwise.append({"a": a, "b": b, "n": len(both),
                         "kappa": cohen_kappa([x for x, _ in both], [y for _, y in both])})
    units = [[v[n].label if n in v else None for n in names] for v in verdicts]
    errors = sum(1 for r in results for v in r.judges if v.error)
    return JudgeAgreement(judges=names, rubric_version=RUBRIC_VERSION, units=len(judged),
                          kappa_vs_deterministic=vs_det, kappa_pairwise=pairwise,
                          alpha=krippendorff_alpha(units) if len(names) > 1 else None, errors=errors)
