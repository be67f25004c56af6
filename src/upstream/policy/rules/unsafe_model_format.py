"""unsafe-model-format: a model file whose format runs code when it is loaded (pickle and friends)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from upstream.models import Severity
from upstream.policy.rules.artifact_identity_mismatch import card_location, card_model
from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions, Source

_SAFETY_FINDINGS = ("unsafe-pickle", "pickle-imports-code", "suspicious-chat-template")


class FormatOptions(RuleOptions):
    verdicts: tuple[Literal["dangerous", "review", "unknown"], ...] = ("dangerous", "review")
    """Which safety verdicts of `upstream inspect` to report"""
    review_severity: Severity = "medium"
    """Severity for "review" (loads code outside the usual tensor rebuild functions) and "unknown" verdicts;
    "dangerous" ones get the rule's severity"""


class UnsafeModelFormat(Rule[FormatOptions]):
    id = "unsafe-model-format"
    name = "UnsafeModelFormat"
    default_severity = "critical"
    summary = "A model file runs code when it is loaded"
    checks = ("The safety verdict `upstream inspect` gives each model file it meets, from a static walk of the "
              "file (nothing is ever loaded): `dangerous` when a pickle (`.pkl`, `.pt`, `.bin`, `.ckpt`, "
              "`.joblib`...) imports functions that execute commands or code, or a chat template reaches Python "
              "internals; `review` when it imports code outside the usual tensor and array rebuild functions.")
    why = ("Unpickling runs whatever the file tells it to: Python's own documentation warns never to unpickle "
           "untrusted data, and `torch.load` with `weights_only=False` is unpickling. A model downloaded from a "
           "hub or shared between teams is untrusted data. Safetensors and GGUF store only tensors and "
           "metadata.")
    fix = ("Get the weights as safetensors or GGUF (most hubs publish them), or convert them in a sandbox; load "
           "PyTorch checkpoints with `torch.load(..., weights_only=True)`. Never load a file judged `dangerous`.")
    example = '[rules.unsafe-model-format]\nverdicts = ["dangerous", "review"]\nreview_severity = "medium"'
    tags = ("security", "supply-chain", "deserialization", "external/cwe/cwe-502")
    sources = (Source("Python documentation: pickle (\"Warning: the pickle module is not secure\")",
                      "https://docs.python.org/3/library/pickle.html"),
               Source("Hugging Face Hub documentation: pickle scanning",
                      "https://huggingface.co/docs/hub/security-pickle"))
    options = FormatOptions

    def check(self, ctx: Context, opts: FormatOptions) -> Iterator[Hit]:
        for card in ctx.artifacts:
            s = card.safety
            if s.verdict not in opts.verdicts:
                continue
            if s.verdict == "dangerous":
                what = f"imports {', '.join(s.dangerous[:5])}" if s.dangerous else "can run code"
                text = f"{card.path} ({s.format}) is dangerous to load: it {what}"
                severity = None
            else:
                said = [f.message for f in card.findings if f.id in _SAFETY_FINDINGS]
                what = "; ".join(said[:2] or s.notes[:2]) or "it can run code when loaded"
                text = f"{card.path} ({s.format}) needs review before loading: {what}"
                severity = opts.review_severity
            yield Hit(message=text, model=card_model(card), locations=card_location(card), severity=severity)


RULE = UnsafeModelFormat()
