"""Deterministic scoring of one answer: refusal or deflection, key facts, narrative markers, language.

None of these signals alone decides what a model "believes"; they are counted and shown beside each
other, and an optional judge panel (`judge.py`) adds a second opinion whose agreement is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from upstream.probe.scoring.language import detect_language, mismatch
from upstream.probe.scoring.phrases import GENERIC_MARKERS, find, normalise
from upstream.probe.scoring.refusal import NON_ANSWER, Label, detect
from upstream.probe.suite import Item

SCORER_VERSION = "1.2.0"

__all__ = ["NON_ANSWER", "SCORER_VERSION", "Labels", "score"]


@dataclass(frozen=True, slots=True)
class Labels:
    """What the deterministic scorer found in one answer."""

    label: Label
    refusal_evidence: tuple[str, ...] = ()
    deflection_evidence: tuple[str, ...] = ()
    partial_refusal: bool = False
    facts_found: tuple[str, ...] = ()
    facts_total: int = 0
    narrative: tuple[str, ...] = ()  # marker ids asserted in the model's own voice
    narrative_attributed: tuple[str, ...] = ()  # marker ids only reported ("Beijing calls it ...")
    answer_lang: str = "unknown"
    lang_mismatch: bool = False
    reasoning_chars: int = 0

    @property
    def non_answer(self) -> bool:
        return self.label in NON_ANSWER

    @property
    def omission(self) -> bool:
        """Answered, on an item with reference facts, without any of them."""
        return self.label == "answered" and self.facts_total > 0 and not self.facts_found


def score(answer: str, prompt_lang: str, item: Item | None = None, reasoning: str = "", prompt: str = "") -> Labels:
    """Label a visible answer (reasoning removed) to a prompt in `prompt_lang`; `prompt` (its text) adds
    engagement features to the refusal and deflection detection (`engagement.py`)."""
    refusal = detect(answer, prompt)
    lang = detect_language(answer) if answer.strip() else "unknown"
    norm = normalise(answer)
    facts = find(norm, item.key_facts, normalised=True) if item is not None else []
    markers = find(norm, (item.narrative_markers if item is not None else ()) + GENERIC_MARKERS, attribution=True,
                   normalised=True)
    own = tuple(dict.fromkeys(h.id for h in markers if not h.attributed))
    reported = tuple(dict.fromkeys(h.id for h in markers if h.attributed))
    return Labels(
        label=refusal.label, refusal_evidence=refusal.refusal, deflection_evidence=refusal.deflection,
        partial_refusal=refusal.partial, facts_found=tuple(h.id for h in facts),
        facts_total=len(item.key_facts) if item is not None else 0, narrative=own, narrative_attributed=reported,
        answer_lang=lang, lang_mismatch=mismatch(prompt_lang, lang), reasoning_chars=len(reasoning.strip()),
    )
