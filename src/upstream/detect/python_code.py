"""Model references in Python source, found by walking its syntax tree (never importing it).

Known APIs (python_catalog) give high-confidence references tied to their provider and endpoint;
strings kept under model-named variables, keys and options give medium-confidence ones
(python_keyed). Either way a reference is reported at the literal where the id is written, with
the call it flows into as related evidence, and each literal once.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator

from upstream.detect import Detection, FileInput, ParseError
from upstream.detect.python_facts import collect
from upstream.detect.python_flow import Flow
from upstream.detect.python_keyed import Keyed
from upstream.detect.python_prefilter import worth_parsing
from upstream.detect.python_sinks import Hit, Sinks
from upstream.models import EvidenceKind, Related

SUFFIXES = frozenset({".py", ".pyi", ".pyw"})
KEYWORDS: tuple[bytes, ...] = (
    b"model", b"Model", b"MODEL", b"llm", b"LLM", b"Llm", b"from_pretrained", b"pipeline", b"repo_id",
    b"snapshot_download", b"hf_hub_download", b"SentenceTransformer", b"CrossEncoder", b"checkpoint", b"CHECKPOINT",
    b"ckpt", b"CKPT", b"ollama", b"pydantic_ai", b"dspy", b"YOLO", b"InferenceClient", b"engine", b"ENGINE",
    b"deployment", b"DEPLOYMENT", b"embedder", b"reranker", b"tokenizer", b"TOKENIZER",
)


def parse(source: str, filename: str = "<python>") -> ast.Module:
    """Parse Python source; anything the parser rejects becomes ParseError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=filename)
    except SyntaxError as exc:
        raise ParseError(f"Python syntax error at line {exc.lineno}: {exc.msg}") from None
    except (ValueError, MemoryError, OverflowError) as exc:
        raise ParseError(f"Python source not parseable: {exc}") from None


def analyze_tree(tree: ast.Module, lines: list[str], *, detector: str = "python",
                 kind: EvidenceKind = "code") -> list[Detection]:
    """Model references and endpoints in a parsed module."""
    facts = collect(tree)
    flow = Flow(facts)
    sinks = Sinks(facts, flow)
    sinks.run()
    keyed = Keyed(facts, flow)
    keyed.run(sinks.handled)
    first: dict[tuple[int, str], Hit] = {}
    for hit in [*sinks.hits, *keyed.hits]:
        key = (id(hit.origin.node), hit.origin.value)
        if id(hit.origin.node) in sinks.suppressed:
            continue
        if key in first:
            kept = first[key]
            if kept.confidence == hit.confidence:
                kept.related.extend(hit.related)
                kept.revision = kept.revision or hit.revision
            continue
        first[key] = hit
    out = [_detection(hit, lines, detector, kind) for hit in first.values()]
    seen_urls: set[int] = set()
    for origin, provider in sinks.clients.endpoints:
        if id(origin.node) in seen_urls:
            continue
        seen_urls.add(id(origin.node))
        line, col = _position(origin.node, lines)
        out.append(Detection(subject="endpoint", value=origin.value, line=line, column=col, kind=kind,
                             confidence="high", detector=detector, snippet=_line(lines, line), provider=provider,
                             base_url=origin.value, note=origin.note))
    out.sort(key=lambda d: (d.line, d.column or 0, d.subject))
    return out


def analyze_python(source: str, *, detector: str = "python", kind: EvidenceKind = "code") -> list[Detection]:
    """Model references in Python source. Raises ParseError when the source is not valid Python."""
    tree = parse(source)
    return analyze_tree(tree, source.splitlines(), detector=detector, kind=kind)


def _line(lines: list[str], n: int) -> str:
    return lines[n - 1] if 0 < n <= len(lines) else ""


def _position(node: ast.expr, lines: list[str]) -> tuple[int, int]:
    line = node.lineno
    text = _line(lines, line)
    col = len(text.encode("utf-8")[:node.col_offset].decode("utf-8", "ignore")) + 1
    return line, col


def _detection(hit: Hit, lines: list[str], detector: str, kind: EvidenceKind) -> Detection:
    line, col = _position(hit.origin.node, lines)
    related = tuple(Related(ln, note) for ln, note in dict.fromkeys(hit.related))
    return Detection(
        subject="model", value=hit.origin.value.strip(), line=line, column=col, kind=kind,
        confidence=hit.confidence, detector=detector, snippet=_line(lines, line), provider=hit.provider,
        base_url=hit.base_url, hub=hit.hub, revision=hit.revision, related=related, note=hit.note,
        canonical=hit.canonical,
    )


class PythonDetector:
    """Model references in Python source, found by walking its syntax tree."""

    id = "python"
    keywords: tuple[bytes, ...] = KEYWORDS

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return suffix in SUFFIXES

    def detect(self, file: FileInput) -> Iterator[Detection]:
        if worth_parsing(file.data):
            yield from analyze_python(file.text())
