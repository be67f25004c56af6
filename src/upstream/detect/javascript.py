"""Model references in JavaScript and TypeScript: SDK calls, provider functions, keyed names, payloads.

One tree-sitter parse per file (`.js .mjs .cjs .jsx .ts .tsx .mts .cts`, and the `<script>` blocks of
`.vue` / `.svelte` components); nothing is executed. Known SDKs (openai, @anthropic-ai/sdk, ollama,
@google/genai, @mistralai/mistralai, groq-sdk, LangChain.js, the Vercel AI SDK and its providers,
transformers.js, ...) give high-confidence evidence tied to the client's base URL or the SDK's default
endpoint; names that say "model" give medium-confidence evidence. A literal that reaches a call through
a constant, an object property, an env default or a default parameter is reported where it is written,
with the call as related evidence.

Minified bundles (`*.min.js`, or files whose lines over 5,000 characters hold most of the bytes) are
not read: they are built output, not the team's code, and their bundled SDK tables would be noise.
They return no evidence rather than a ParseError, so that they do not mark the scan incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator

from upstream.detect import Detection, FileInput, Screen
from upstream.detect.js_calls import EndpointFind, Find, SdkMatcher
from upstream.detect.js_generic import GenericFinder
from upstream.detect.js_scope import Index
from upstream.detect.js_sdks import is_ai_package
from upstream.detect.js_source import SUFFIXES, is_minified, parse, script_source, wanted
from upstream.detect.js_values import Resolver
from upstream.evidence import Hub, Related


class JavaScriptDetector:
    """Model references in JavaScript and TypeScript SDK calls."""

    id = "javascript"
    screen = Screen(SUFFIXES)
    keywords: tuple[bytes, ...] = (
        b"model", b"Model", b"MODEL", b"pipeline", b"from_pretrained", b"baseURL", b"baseUrl", b"@ai-sdk",
        b"ai-sdk-provider", b"ollama", b"Ollama", b"replicate", b"ChatCompletions", b"langchain",
        b"InferenceSession", b"MLCEngine",
    )

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return wanted(name, suffix)

    def detect(self, file: FileInput) -> Iterator[Detection]:
        text = file.text()  # ParseError on invalid UTF-8
        data = text.encode("utf-8")
        if is_minified(data) or (file.suffix in (".ts", ".mts", ".cts") and data.lstrip()[:1] == b"<"):
            return  # a bundle, or a Qt Linguist translation file (XML that shares the .ts suffix)
        source, grammar = script_source(data, file.suffix)
        tree = parse(source, grammar)
        index = Index(tree.root_node)
        resolver = Resolver(index)
        sdk = SdkMatcher(resolver)
        sdk.run()
        file_ai = bool(sdk.finds) or any(is_ai_package(ref.module) for ref in index.imports)
        generic = GenericFinder(resolver, file_ai)
        generic.run()
        lines = data.split(b"\n")
        yield from _models([*sdk.finds, *generic.finds], lines, self.id)
        yield from _endpoints([*sdk.endpoints, *generic.endpoints], lines, self.id)


def _line(lines: list[bytes], row: int) -> str:
    return lines[row].decode("utf-8", "replace") if 0 <= row < len(lines) else ""


def _column(lines: list[bytes], row: int, bcol: int) -> int:
    if not 0 <= row < len(lines):
        return bcol + 1
    return len(lines[row][:bcol].decode("utf-8", "replace")) + 1


def _models(finds: list[Find], lines: list[bytes], detector: str) -> Iterator[Detection]:
    """One detection per literal and endpoint tie; the strongest kind of evidence for a literal wins."""
    by_literal: dict[tuple[int, int, str], list[Find]] = {}
    for f in finds:
        by_literal.setdefault((f.value.row, f.value.bcol, f.value.value), []).append(f)
    for (row, bcol, value), group in sorted(by_literal.items()):
        top = max(f.rank for f in group)
        best = [f for f in group if f.rank == top]
        if any(f.provider or f.base_url for f in best):
            best = [f for f in best if f.provider or f.base_url]
        ties: dict[tuple[str | None, str | None, Hub | None, str | None], list[Find]] = {}
        for f in best:
            ties.setdefault((f.provider, f.base_url.value if f.base_url else None, f.hub, f.canonical), []).append(f)
        for (provider, base, hub, canonical), same in ties.items():
            by_row: dict[int, str] = {}
            for f in same:
                if f.site_row != row:
                    by_row.setdefault(f.site_row, f.note)
            sites = sorted(by_row.items())
            here = next((f.note for f in same if f.site_row == row), None)
            note = here or (sites[0][1] if sites else same[0].note)
            if same[0].value.note:
                note = f"{note} ({same[0].value.note})"
            yield Detection(
                subject="model", value=value.strip(), line=row + 1, column=_column(lines, row, bcol), kind="code",
                confidence=same[0].confidence, detector=detector, snippet=_line(lines, row), provider=provider,
                base_url=base, hub=hub, canonical=canonical, note=note,
                revision=next((f.revision for f in same if f.revision), None),
                related=tuple(Related(line=r + 1, note=n) for r, n in sites),
            )


def _endpoints(found: list[EndpointFind], lines: list[bytes], detector: str) -> Iterator[Detection]:
    seen: set[tuple[int, int, str]] = set()
    for e in found:
        key = (e.url.row, e.url.bcol, e.url.value)
        if key in seen:
            continue
        seen.add(key)
        yield Detection(
            subject="endpoint", value=e.url.value, line=e.url.row + 1, column=_column(lines, e.url.row, e.url.bcol),
            kind="code", confidence="high", detector=detector, snippet=_line(lines, e.url.row),
            provider=e.provider, base_url=e.url.value, note=e.note + (f" ({e.url.note})" if e.url.note else ""),
        )
