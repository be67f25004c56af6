"""`upstream inspect FILE|DIR`: what a model file or folder really is."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from typing import Any, TextIO

from upstream import __version__
from upstream.commands import EXIT_INCOMPLETE, EXIT_OK
from upstream.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "inspect", help="what a model file or folder really is",
        description="Identify the model behind a file or folder (GGUF, safetensors, PyTorch/pickle, ONNX, "
                    "Hugging Face folders and cache, Ollama store): family, declared bases, licence, tokenizer "
                    "fingerprint, and whether loading it can run code. Reads headers only.")
    p.add_argument("path", help="model file, model folder, HF cache, Ollama store, or any folder holding models")
    p.add_argument("-f", "--format", choices=["table", "json"], default=None,
                   help="output format (default: table on a terminal, json otherwise)")
    p.add_argument("-o", "--output", help="write the result here instead of stdout")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    p.set_defaults(run=run)


def _color(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from upstream.artifacts import InspectReport, inspect_path
    from upstream.artifacts.render import FORMATS

    if not os.path.exists(args.path):
        raise UsageError(f"{args.path}: no such file or directory")
    result = inspect_path(args.path)
    report = InspectReport(
        tool_version=__version__, generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        target=args.path, artifacts=result.cards, skipped=result.skipped,
    )
    fmt = args.format or ("table" if stdout.isatty() and not args.output else "json")
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(FORMATS[fmt](report, False))
    else:
        stdout.write(FORMATS[fmt](report, _color(stdout)))
    if not args.quiet:
        findings = sum(len(c.findings) for c in report.artifacts)
        unsafe = sum(1 for c in report.artifacts if c.safety.verdict == "dangerous")
        text = f"upstream: {len(report.artifacts)} artifact(s) at {args.path}"
        if findings:
            text += f", {findings} finding(s)"
        if unsafe:
            text += f", {unsafe} unsafe to load"
        if report.skipped:
            text += f"; {len(report.skipped)} file(s) not read"
        stderr.write(text + "\n")
    if not report.artifacts or report.skipped:
        return EXIT_INCOMPLETE
    return EXIT_OK
