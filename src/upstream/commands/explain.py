"""`upstream explain MODEL`: the provenance card of a model reference, offline from the knowledge base."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any, TextIO

from upstream.commands import EXIT_OK
from upstream.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "explain", help="the provenance card of a model: developer, jurisdiction, licence, lineage, hosts",
        description="Whose model is it and where did it come from? Resolves a model reference (HF id, Ollama tag, "
                    "API name, with or without provider prefix) against the embedded knowledge base.")
    p.add_argument("model", help="model reference, e.g. deepseek-r1:7b or openrouter/qwen/qwen3-coder")
    p.add_argument("-f", "--format", choices=("text", "json"), default="text")
    p.add_argument("--hub", choices=("huggingface", "ollama", "api", "file"),
                   help="where the id lives, when its shape leaves doubt")
    p.add_argument("--provider", help="SDK or route that selects the model (e.g. openrouter, ollama)")
    p.add_argument("--online", action="store_true",
                   help="ask the Hugging Face Hub for model-card facts the knowledge base lacks (cached)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.resolve import resolve
    from upstream.resolve.card import render_card

    ref = str(args.model).strip()
    from upstream.policy import rule_doc

    doc = rule_doc(ref)
    if doc is not None:  # a policy rule id: print its documentation
        stdout.write(doc if doc.endswith("\n") else doc + "\n")
        return EXIT_OK
    if not ref:
        raise UsageError("explain needs a model reference", hint="e.g. 'upstream explain deepseek-r1:7b'")
    prov = resolve(ref, hub=args.hub, provider=args.provider)
    if args.online and prov.status != "known":
        from upstream.resolve.hf_hub import HubError, enrich

        try:
            prov = enrich(prov)
        except HubError as exc:
            stderr.write(f"upstream: online look-up skipped: {exc}\n")
    if args.format == "json":
        stdout.write(json.dumps(dataclasses.asdict(prov), indent=2, ensure_ascii=False) + "\n")
    else:
        stdout.write(render_card(prov))
    return EXIT_OK
