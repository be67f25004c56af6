"""Model references in Python source, found by walking its syntax tree (never importing it).

Known APIs (python_catalog) give high-confidence references tied to their provider and endpoint;
strings kept under model-named variables, keys and options give medium-confidence ones
(python_keyed, with the endpoint their sibling names give: python_hints); literals a model variable
is compared with or looked up by give medium or low ones (python_switch). Either way a reference is
reported at the literal where the id is written, with the call it flows into as related evidence,
and each literal once. Download commands in docstrings are reported as docs evidence; a file the
parser rejects is read as far as it can be (python_recover).
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import replace

from upstream.detect import Detection, FileInput, ParseError, Screen
from upstream.detect.config_commands import detect_command_line, split_words
from upstream.detect.docs import commands
from upstream.detect.python_facts import Facts, Scope, collect
from upstream.detect.python_flow import Flow
from upstream.detect.python_keyed import Keyed
from upstream.detect.python_prefilter import worth_parsing
from upstream.detect.python_recover import recover
from upstream.detect.python_sinks import Hit, Sink, Sinks
from upstream.detect.python_switch import Switches
from upstream.evidence import EvidenceKind, Related

SUFFIXES = frozenset({".py", ".pyi", ".pyw"})
KEYWORDS: tuple[bytes, ...] = (
    b"model", b"Model", b"MODEL", b"llm", b"LLM", b"Llm", b"from_pretrained", b"pipeline", b"repo_id",
    b"snapshot_download", b"hf_hub_download", b"SentenceTransformer", b"CrossEncoder", b"checkpoint", b"CHECKPOINT",
    b"ckpt", b"CKPT", b"ollama", b"pydantic_ai", b"dspy", b"YOLO", b"InferenceClient", b"engine", b"ENGINE",
    b"deployment", b"DEPLOYMENT", b"embedder", b"reranker", b"tokenizer", b"TOKENIZER", b"huggingface-cli",
    b"llama-cli", b"llama-server",
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
    switches = Switches(facts, flow, sinks.clients, [*sinks.args, *(Sink(e, s) for e, s in keyed.sinks)])
    switches.run()
    first: dict[tuple[int, str], Hit] = {}
    for hit in [*sinks.hits, *keyed.hits, *switches.hits]:
        key = (id(hit.origin.node), hit.origin.value)
        if id(hit.origin.node) in sinks.suppressed:
            continue
        if key in first:
            kept = first[key]
            if kept.confidence == hit.confidence:
                kept.related.extend(hit.related)
                kept.revision = kept.revision or hit.revision
            if kept.provider is None and kept.base_url is None and (hit.provider or hit.base_url):
                kept.provider, kept.base_url, kept.hub = hit.provider, hit.base_url, kept.hub or hit.hub
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
    out.extend(_docstring_commands(facts.docstrings, lines, detector))
    out.extend(_run_commands(facts, flow, lines, detector, kind))
    out.sort(key=lambda d: (d.line, d.column or 0, d.subject))
    return out


def _docstring_commands(docstrings: list[ast.Constant], lines: list[str], detector: str) -> Iterator[Detection]:
    """Models that a docstring tells the reader to fetch or run (`huggingface-cli download org/name`): documentation
    of what the code runs, reported as docs, never as code use."""
    for node in docstrings:
        end = node.end_lineno or node.lineno
        for c in commands(lines[node.lineno - 1:end], node.lineno):
            yield Detection(subject="model", value=c.value, line=c.line, column=c.column, kind="docs",
                            confidence="medium", detector=detector, technique="other", snippet=_line(lines, c.line),
                            provider=c.provider, hub=c.hub, canonical=c.canonical, note="command in a docstring")


# Calls that run a shell command (a string) or a program (a list of arguments, or the arguments themselves).
_SHELL_CALLS = frozenset({"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                          "asyncio.create_subprocess_shell"})
_ARGV_CALLS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                         "subprocess.Popen"})
_ARGS_CALLS = frozenset({"asyncio.create_subprocess_exec"})
_UNKNOWN = "$__upstream_unknown__"  # an argument whose value the module does not write: an unset shell variable


def _argument(flow: Flow, expr: ast.expr, scope: Scope) -> tuple[str, ast.expr]:
    found = flow.strings(expr, scope)
    return (found[0].value, found[0].node) if len(found) == 1 else (_UNKNOWN, expr)


def _run_commands(facts: Facts, flow: Flow, lines: list[str], detector: str,
                  kind: EvidenceKind) -> Iterator[Detection]:
    """Models that the code fetches or serves by running a command: `os.system("ollama pull qwen2.5:7b")`,
    `subprocess.run(["ollama", "pull", MODEL])`, `subprocess.Popen(["vllm", "serve", repo])`. The command is
    rebuilt from the literals its arguments resolve to and read as the shell detector reads a command line
    (`config_commands`); each model is reported at the literal that names it, with the call as related."""
    for call, scope in facts.calls:
        name = flow.qualify(call.func, scope)
        if name in _SHELL_CALLS and call.args:
            value, node = _argument(flow, call.args[0], scope)
            words = split_words(value)
            parts = [(w, node) for w in words]
        elif name in _ARGV_CALLS and call.args:
            first = call.args[0]
            elements = flow.elements(first, scope)
            if elements:  # a list of arguments, written here or held by a name
                parts = [_argument(flow, e, scope) for e in elements]
            else:  # a command string (shell=True, or a program without arguments)
                value, node = _argument(flow, first, scope)
                parts = [(w, node) for w in split_words(value)]
        elif name in _ARGS_CALLS:
            parts = [_argument(flow, a, scope) for a in call.args if not isinstance(a, ast.Starred)]
        else:
            continue
        if not parts:
            continue
        found = detect_command_line([w for w, _ in parts], call.lineno, token_lines=[n.lineno for _, n in parts],
                                    kind=kind, detector=detector, lines=lines)
        for d in found:
            node = next((n for w, n in parts if d.value in w), call)
            line, col = _position(node, lines)
            related = (Related(call.lineno, "run as a command here"),) if call.lineno != line else ()
            yield replace(d, line=line, column=col, technique="source-code-analysis", snippet=_line(lines, line),
                          related=related, note=f"a command the code runs ({name})")


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
    screen = Screen(SUFFIXES)
    keywords: tuple[bytes, ...] = KEYWORDS

    def wants(self, path: str, name: str, suffix: str) -> bool:
        return suffix in SUFFIXES

    def detect(self, file: FileInput) -> Iterator[Detection]:
        """References in the file. When it does not parse, what the fallback recovers is yielded first and
        ParseError raised after it (detail `partial: token-level fallback; ...`), so the problem stays recorded."""
        if not worth_parsing(file.data):
            return
        source = file.text()
        try:
            tree = parse(source)
        except ParseError as exc:
            found = recover(source, lambda t, lines: analyze_tree(t, lines, detector=self.id), self.id)
            if not found:
                raise
            yield from found
            raise ParseError(f"partial: token-level fallback; {exc}") from None
        yield from analyze_tree(tree, source.splitlines())
