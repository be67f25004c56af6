"""Heredoc bodies in shell scripts and Dockerfiles, read in the format of what they are written to.

`cat > config.json <<EOF`, `tee /etc/app/config.yaml <<EOF`, `cat <<EOF | kubectl apply -f -`,
`cat > .env <<'EOF'`, `python3 - <<EOF`, `cat > Modelfile <<EOF`, `curl -d @- URL <<EOF`: the body
is a JSON/YAML/TOML/INI document, a .env file, Python, a Modelfile, a request body or more script.
Its shell expansions are replaced first (`config_expand`), with the script's variables where they
are known; each detection keeps its line in the script.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from upstream.detect import Detection, ParseError
from upstream.detect.config_args import Assignment
from upstream.detect.config_expand import Format, expand, relocate, unresolved
from upstream.evidence import EvidenceKind

HEREDOC_RE = re.compile(r"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\?([^\s;&|<>()'\"`$]+))")
MAX_DEPTH = 6
_MAX_PER_LINE = 8  # here-documents one command line may open (real ones: one, rarely two)

_WRAPPERS = frozenset({"sudo", "doas", "env", "nohup", "exec", "command", "time", "su"})
_SCRIPT_COMMANDS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "ssh", "source", "."})
_RUNNERS = frozenset({"uv", "poetry", "pipenv", "pdm", "hatch", "rye", "pixi", "conda", "mamba", "micromamba"})
_PASS_THROUGH = frozenset({"envsubst", "sed", "tr", "cat", "awk", "grep", "sort", "uniq", "base64", "gzip"})
_SCRIPT_NAMES = frozenset({".bashrc", ".bash_profile", ".profile", ".zshrc", ".zprofile", ".kshrc", ".envrc",
                           ".bash_aliases", "environment"})
_SUFFIX_FORMATS = {
    ".json": "json", ".jsonc": "json", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".ini": "ini",
    ".cfg": "ini", ".conf": "ini", ".properties": "ini", ".env": "env", ".sh": "script", ".bash": "script",
    ".zsh": "script", ".py": "python", ".modelfile": "modelfile", ".dockerfile": "dockerfile",
    ".service": "unit", ".socket": "unit", ".timer": "unit",
    # text and markup: prose and templates, not commands (the docs detector reads such files)
    ".md": "text", ".txt": "text", ".rst": "text", ".html": "text", ".htm": "text", ".csv": "text",
    ".log": "text", ".sql": "text", ".xml": "text", ".j2": "text", ".tmpl": "text", ".tpl": "text",
    ".pem": "text", ".crt": "text", ".key": "text", ".pub": "text", ".css": "text", ".js": "text",
    ".ts": "text", ".svg": "text", ".gitignore": "text", ".dockerignore": "text",
}


@dataclass(slots=True)
class Heredoc:
    """A here-document: the command line that opens it, its delimiter and its body lines."""

    header: str
    line: int
    delimiter: str
    quoted: bool = False  # `<<'EOF'`: the shell expands nothing in the body
    strip_tabs: bool = False  # `<<-EOF`: leading tabs are removed
    body: list[tuple[int, str]] = field(default_factory=list)


def heredocs_in(text: str, line: int) -> list[Heredoc]:
    """The here-documents a command line (comments removed) opens, in order; bodies still empty."""
    out: list[Heredoc] = []
    for k, m in enumerate(HEREDOC_RE.finditer(text)):
        if k >= _MAX_PER_LINE:
            break
        s = m.start()
        if text.startswith("<<<", s) or (s > 0 and text[s - 1] == "<") or _in_quotes(text, s):
            continue
        before = text[:s]
        if before.count("((") > before.count("))"):  # an arithmetic shift, `$((x << 2))`
            continue
        delim = m.group(2) or m.group(3) or m.group(4)
        quoted = bool(m.group(2) or m.group(3)) or text[m.start(4) - 1] == "\\"
        out.append(Heredoc(text, line, delim, quoted=quoted, strip_tabs=m.group(1) == "-"))
    return out


def _in_quotes(text: str, pos: int) -> bool:
    quote = ""
    i = 0
    while i < pos:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                i += 1
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        i += 1
    return bool(quote)


# --------------------------------------------------------------------------- where the body goes


def format_for_path(path: str) -> str | None:
    """The format of a file by its name: json, yaml, toml, ini, env, script, python, modelfile, dockerfile."""
    name = path.strip().strip("\"'").rstrip("/").rsplit("/", 1)[-1]
    low = name.lower()
    if not low or low in ("-", "/dev/null"):
        return None
    if low in _SCRIPT_NAMES:
        return "script"
    if low == ".env" or low.startswith(".env.") or low in ("env.example", "env.sample", "env.template"):
        return "env"
    if low == "modelfile" or low.startswith("modelfile."):
        return "modelfile"
    if low in ("dockerfile", "containerfile") or low.startswith(("dockerfile.", "containerfile.")):
        return "dockerfile"
    dot = low.rfind(".")
    return _SUFFIX_FORMATS.get(low[dot:]) if dot > 0 else None


def heredoc_target(words: Sequence[str], variables: Mapping[str, Assignment]) -> tuple[str, str]:
    """(format, what it is written to) for the heredoc a command line opens.

    The pipeline holding `<<` is followed from the command that reads the heredoc: a redirect or
    `tee` names a file; `kubectl apply -f -`, `docker compose -f -` and `helm -f -` read YAML; a
    shell or `ssh` runs it as a script; `python` as Python; `curl -d @-` sends it. Filters such as
    `envsubst` pass it on. Unknown consumers: format "" (the caller sniffs the body).
    """
    lists: list[list[str]] = [[]]
    for w in words:
        if w in (";", "&&", "||", "&"):
            lists.append([])
        else:
            lists[-1].append(w)
    chosen = next((lst for lst in lists if "<<" in lst), lists[0])
    segments: list[list[str]] = [[]]
    for w in chosen:
        if w in ("|", "|&"):
            segments.append([])
        else:
            segments[-1].append(w)
    start = next((k for k, seg in enumerate(segments) if "<<" in seg), 0)
    for seg in segments[start:]:
        found = _segment_target(seg, variables)
        if found is not None:
            return found
    return "", "stdout"  # printed (usage text, a banner) or captured by `$(cat <<EOF ...)`


def _segment_target(seg: list[str], variables: Mapping[str, Assignment]) -> tuple[str, str] | None:
    target = _redirect(seg, variables)
    if target:
        return format_for_path(target) or "", target
    cmd = _command(seg)
    if not cmd:
        return None
    name = cmd[0].rsplit("/", 1)[-1].lower()
    args = cmd[1:]
    if name == "tee":
        files = [a for a in args if not a.startswith("-")]
        if files:
            path = _resolve(files[0], variables)
            return format_for_path(path) or "", path
        return None
    if (name in ("kubectl", "oc", "kustomize", "docker-compose", "podman-compose", "helm") or (
            name in ("docker", "podman") and "compose" in args)) and _reads_stdin(args):
        return "yaml", f"{name} stdin"
    if name in _SCRIPT_COMMANDS:
        return "script", name
    if _PYTHON_RE.match(name):
        return "python", name
    if name in ("curl", "http", "https", "xh", "xhs", "wget"):
        return "request", name
    if name in _RUNNERS and args and args[0] in ("run", "exec"):  # `uv run python - <<EOF`
        rest = args[1:]
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] in ("-n", "--name", "-p", "--prefix", "--with", "--python") else rest[1:]
        return _segment_target(rest, variables) if rest else None
    if name in ("docker", "podman", "nerdctl", "kubectl", "oc") and args and args[0] in ("exec", "run"):
        inner = args[args.index("--") + 1:] if "--" in args else [a for a in args[1:] if not a.startswith("-")]
        names = [a.rsplit("/", 1)[-1] for a in inner]
        if any(a in _SCRIPT_COMMANDS for a in names):
            return "script", name
        if any(_PYTHON_RE.match(a) for a in names):
            return "python", name
    if name in _PASS_THROUGH:
        return None
    return "", name


_PYTHON_RE = re.compile(r"^python(?:\d+(?:\.\d+)*)?$")


def _command(seg: list[str]) -> list[str]:
    words: list[str] = []
    skip = False
    for w in seg:
        if skip:
            skip = False
        elif w == "<<":
            skip = True  # the delimiter follows
        elif w not in ("<", "<<<", "(", "{", "!"):
            words.append(w)
    i = 0
    while i < len(words) and (words[i] in _WRAPPERS or re.match(r"^[A-Za-z_]\w*=", words[i])
                              or (i > 0 and words[i - 1] in _WRAPPERS and words[i].startswith("-"))):
        i += 1
    return words[i:]


def _redirect(seg: list[str], variables: Mapping[str, Assignment]) -> str | None:
    for k, w in enumerate(seg[:-1]):
        if w in (">", ">>", ">|") and (k == 0 or seg[k - 1] not in ("2", "&")):
            target = seg[k + 1]
            if target not in ("/dev/null", "&1", "&2", "/dev/stderr", "/dev/stdout") and not target.startswith("&"):
                return _resolve(target, variables)
    return None


def _resolve(path: str, variables: Mapping[str, Assignment]) -> str:
    m = re.fullmatch(r"\$\{?([A-Za-z_]\w*)\}?", path.strip())
    if m and m.group(1) in variables:
        return variables[m.group(1)].value
    return path


def _reads_stdin(args: list[str]) -> bool:
    for k, a in enumerate(args):
        if a in ("-f", "--filename", "--values", "--file", "-k") and k + 1 < len(args) and args[k + 1] == "-":
            return True
        if a in ("-f-", "--filename=-", "--values=-", "--file=-", "-f=-"):
            return True
    return False


def sniff(body: str, default: str = "script") -> str:
    """The format of a body written nowhere we know: JSON, a Kubernetes/compose YAML, Python, else `default`."""
    head = body.lstrip()
    first = head.split("\n", 1)[0]
    if first.startswith("#!"):
        return "python" if "python" in first else "script"
    if head[:1] in "{[":
        return "json"
    if re.search(r"(?m)^(?:apiVersion|kind|services|model_list):", body):
        return "yaml"
    return default


# --------------------------------------------------------------------------- reading the body


def scan_heredoc(
    doc: Heredoc, *, lines: Sequence[str], variables: Mapping[str, Assignment], words: Sequence[str],
    kind: EvidenceKind = "config", detector: str = "shell", depth: int = 0, fmt: str | None = None,
    target: str = "",
) -> list[Detection]:
    """Model references in one heredoc body, at their lines in the file (`lines`)."""
    if not doc.body or depth > MAX_DEPTH:
        return []
    if fmt is None:
        fmt, target = heredoc_target(words, variables)
    first = doc.body[0][0]
    texts = [t.lstrip("\t") if doc.strip_tabs else t for _, t in doc.body]
    body = "\n".join(texts)
    if not fmt:  # text shown to the user is not run; anything else unknown is read as commands
        fmt = sniff(body, default="text" if target == "stdout" else "script")
    if doc.quoted and fmt not in ("script", "python") and "envsubst" not in words:
        variables = {}  # `cat > f <<'EOF'`: `$MODEL` is written as is, not the script's value
    try:
        found = _read(fmt, body, first, lines, variables, kind, detector, depth, target, words)
    except (ParseError, RecursionError, ValueError):
        return []
    return [d for d in found if d.subject != "model" or not unresolved(d.value)]


def _read(fmt: str, body: str, first: int, lines: Sequence[str], variables: Mapping[str, Assignment],
          kind: EvidenceKind, detector: str, depth: int, target: str, words: Sequence[str]) -> list[Detection]:
    pad = "\n" * (first - 1)
    file_lines = list(lines)
    if fmt == "script":
        from upstream.detect.config_script import scan_script

        return scan_script(body, first_line=first, kind=kind, detector=detector, lines=file_lines,
                           variables=variables, depth=depth + 1)
    if fmt == "request":
        from upstream.detect.config_http import request_body

        ex = expand(body, variables, "json", first)
        return relocate(request_body(words, pad + ex.text, kind=kind, detector=detector, lines=file_lines,
                                      variables=variables), ex, file_lines, target)
    if fmt == "python":
        from upstream.detect.python_code import analyze_tree, parse

        ex = expand(textwrap.dedent(body), variables, "raw", first)
        source = pad + ex.text
        found = [replace(d, snippet=_snip(file_lines, d.line) or d.snippet)
                 for d in analyze_tree(parse(source), source.splitlines(), detector=detector, kind=kind)]
        return relocate(found, ex, file_lines, target)
    if fmt == "modelfile":
        from upstream.detect.modelfile import scan_modelfile

        ex = expand(body, variables, "raw", first)
        return relocate(scan_modelfile((pad + ex.text).splitlines(), detector=detector), ex, file_lines, target)
    if fmt == "dockerfile":
        from upstream.detect.config_dockerfile import scan_dockerfile

        return scan_dockerfile(pad + body, detector=detector)
    if fmt == "env":
        from upstream.detect.config_env import env_detections
        from upstream.detect.dotenv import parse_dotenv

        ex = expand(body, variables, "raw", first)
        pairs = [replace(p, snippet=_snip(file_lines, p.line) or p.snippet) for p in parse_dotenv(pad + ex.text)]
        return relocate(env_detections(pairs, kind=kind, detector=detector), ex, file_lines, target)
    if fmt == "unit":
        from upstream.detect.config_unit import scan_unit

        ex = expand(body, variables, "raw", first)
        return relocate(scan_unit((pad + ex.text).splitlines(), kind=kind, detector=detector, lines=file_lines),
                        ex, file_lines, target)
    if fmt in ("json", "yaml", "toml", "ini"):
        from upstream.detect.config_files import scan_config_text

        syntax: Format = "json" if fmt == "json" else "toml" if fmt == "toml" else "yaml"
        ex = expand(body, variables, syntax, first)
        return relocate(scan_config_text(pad + ex.text, fmt, file_lines, kind=kind, detector=detector), ex,
                         file_lines, target)
    return []


def _snip(lines: Sequence[str], n: int) -> str:
    return lines[n - 1] if 0 < n <= len(lines) else ""
