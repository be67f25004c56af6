"""unpinned-model-revision: a model pulled from a hub by name, without a pinned revision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from upstream.policy.rules.base import Context, Hit, Rule, RuleOptions, Source


class PinOptions(RuleOptions):
    hubs: tuple[Literal["huggingface", "ollama"], ...] = ("huggingface",)
    """Which hubs' references must be pinned (Ollama tags can only be pinned by digest)"""


class UnpinnedModelRevision(Rule[PinOptions]):
    id = "unpinned-model-revision"
    name = "UnpinnedModelRevision"
    default_severity = "low"
    summary = "The model is downloaded from a hub by name, without a pinned revision"
    checks = ("References to Hugging Face repositories (and with `hubs`, Ollama tags) that give no revision: no "
              "`revision=` commit hash or tag next to the id. API model names are not checked: their provider "
              "decides what they serve.")
    why = ("A repository name is a moving target: whoever controls it can replace the weights, the tokenizer, the "
           "chat template or the custom code behind it at any time, and every fresh install downloads the new "
           "files. A pinned commit hash makes the download reproducible and makes a change to the model a "
           "change in your repository, where it is reviewed.")
    fix = ('Pass the commit hash you tested: `from_pretrained("org/name", revision="<40-hex commit>")` (or '
           '`hf_hub_download(..., revision=...)`); for Ollama, pull by digest.')
    example = '[rules.unpinned-model-revision]\nhubs = ["huggingface"]\nseverity = "low"'
    tags = ("supply-chain", "reproducibility")
    sources = (Source("Hugging Face Hub: download files (the revision parameter)",
                      "https://huggingface.co/docs/huggingface_hub/guides/download"),)
    options = PinOptions

    def check(self, ctx: Context, opts: PinOptions) -> Iterator[Hit]:
        for item in ctx.items:
            ref = item.model
            if ref.hub not in opts.hubs or ref.revision:
                continue
            where = "the Hugging Face Hub" if ref.hub == "huggingface" else "the Ollama library"
            yield ctx.hit(item, f"{ref.canonical} is fetched from {where} without a pinned revision: the files "
                                "behind the name can change")


RULE = UnpinnedModelRevision()
