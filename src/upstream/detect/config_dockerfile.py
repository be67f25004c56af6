"""Dockerfiles and Containerfiles: RUN, CMD/ENTRYPOINT (shell and exec forms), ENV/ARG, ADD/COPY.

`FROM` images are never models, but they say what a bare `CMD ["--model", "X"]` is handed to
(the vLLM or TGI server image's entrypoint). Variables from ARG and ENV resolve `$MODEL` in
later instructions and are reported at their literal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from upstream.detect import Detection
from upstream.detect.config_commands import Assignment, Tok, detect_command_line, split_words
from upstream.detect.config_env import EnvVar, env_detections
from upstream.detect.config_heredoc import Heredoc, format_for_path, heredocs_in, scan_heredoc, sniff
from upstream.detect.config_keys import dedupe, model_detection
from upstream.detect.config_script import record_assignment, scan_script
from upstream.detect.config_tools import image_tool
from upstream.detect.identifiers import hf_id_from_url, is_hf_id, is_plausible

_ESCAPE_RE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.I)
_INSTR_RE = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$", re.S)
_HEREDOC_RE = re.compile(r"<<-?[ \t]*(?:'[^'\n]+'|\"[^\"\n]+\"|\\?[^\s;&|<>()'\"`$]+)")
_COPY_SUFFIXES = (".gguf", ".ggml", ".safetensors", ".onnx", ".llamafile")


@dataclass(slots=True)
class _Instr:
    keyword: str
    args: str
    line: int
    pieces: list[int]
    heredocs: list[Heredoc] = field(default_factory=list)


@dataclass(slots=True)
class _Stage:
    image: str
    entrypoint: list[Tok] | None = None
    entry_shell: bool = False
    cmd: list[Tok] | None = None


def _instructions(lines: list[str]) -> list[_Instr]:
    escape = "\\"
    for raw in lines[:5]:
        m = _ESCAPE_RE.match(raw.strip())
        if m:
            escape = m.group(1)
    out: list[_Instr] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        if not raw.strip() or raw.lstrip().startswith("#"):
            i += 1
            continue
        start = i + 1
        parts: list[str] = []
        pieces: list[int] = []
        while i < len(lines):
            seg = lines[i].rstrip()
            if parts and (not seg.strip() or seg.lstrip().startswith("#")):
                i += 1
                continue
            i += 1
            if seg.endswith(escape):
                parts.append(seg[:-1])
                pieces.append(i)
                continue
            parts.append(seg)
            pieces.append(i)
            break
        m = _INSTR_RE.match(" ".join(parts))
        if not m:
            continue
        instr = _Instr(m.group(1).upper(), m.group(2).strip(), start, pieces)
        if instr.keyword in ("RUN", "COPY", "ADD") and "<<" in instr.args:
            instr.heredocs = heredocs_in(instr.args, instr.line)
        for doc in instr.heredocs:
            while i < len(lines) and lines[i].strip() != doc.delimiter:
                doc.body.append((i + 1, lines[i]))
                i += 1
            i += 1
        out.append(instr)
    return out


def _exec_form(instr: _Instr, lines: list[str]) -> list[Tok] | None:
    if not instr.args.startswith("["):
        return None
    try:
        words = json.loads(instr.args)
    except ValueError:
        return None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return None
    return _place(words, instr, lines)


def _place(words: list[str], instr: _Instr, lines: list[str]) -> list[Tok]:
    toks: list[Tok] = []
    k = 0
    for w in words:
        j = k
        while j < len(instr.pieces) and w not in lines[instr.pieces[j] - 1]:
            j += 1
        if j < len(instr.pieces):
            k = j
        toks.append(Tok(w, instr.pieces[k]))
    return toks


def scan_dockerfile(text: str, detector: str = "shell") -> list[Detection]:
    """Model references in a Dockerfile."""
    lines = text.splitlines()
    known: dict[str, Assignment] = {}
    env: list[EnvVar] = []
    stages: dict[str, _Stage] = {}
    stage: _Stage | None = None
    all_stages: list[_Stage] = []
    found: list[Detection] = []
    for instr in _instructions(lines):
        kw, args = instr.keyword, instr.args
        if kw == "FROM":
            words = [w for w in split_words(args) if not w.startswith("--")]
            image = _resolve(words[0], known) if words else ""
            parent = stages.get(image.lower())
            stage = _Stage(parent.image if parent else image)
            if parent:
                stage.entrypoint, stage.entry_shell, stage.cmd = parent.entrypoint, parent.entry_shell, parent.cmd
            if len(words) >= 3 and words[1].lower() == "as":
                stages[words[2].lower()] = stage
            all_stages.append(stage)
        elif kw in ("ARG", "ENV"):
            _variables(args, instr.line, lines, known, env)
        elif kw == "RUN":
            found.extend(_run(instr, lines, known))
        elif kw in ("CMD", "ENTRYPOINT") and stage is not None:
            toks = _exec_form(instr, lines)
            shell = toks is None
            if toks is None:
                toks = _place(split_words(args), instr, lines)
            if kw == "ENTRYPOINT":
                stage.entrypoint, stage.entry_shell, stage.cmd = toks, shell, None
            else:
                stage.cmd = toks
        elif kw in ("ADD", "COPY"):
            found.extend(_copy(instr, lines, detector, known))
    for st in all_stages:
        found.extend(_final_command(st, lines, known, detector))
    tool = next((image_tool(s.image) for s in reversed(all_stages) if image_tool(s.image)), None)
    found.extend(env_detections(env, kind="config", detector=detector, provider=tool.provider if tool else None,
                                ai_context=tool is not None))
    return dedupe(found)


def _resolve(word: str, known: dict[str, Assignment]) -> str:
    m = re.fullmatch(r"\$\{?([A-Za-z_]\w*)(?::?-[^}]*)?\}?", word)
    if m and m.group(1) in known:
        return known[m.group(1)].value
    return word


def _variables(args: str, line: int, lines: list[str], known: dict[str, Assignment], env: list[EnvVar]) -> None:
    words = split_words(args)
    if words and "=" not in words[0]:
        name, _, value = args.strip().partition(" ")
        if value.strip():
            record_assignment(name, value.strip(), line, lines, known, env)
        return
    for w in words:
        name, eq, value = w.partition("=")
        if eq:
            record_assignment(name, value, line, lines, known, env)


def _run(instr: _Instr, lines: list[str], known: dict[str, Assignment]) -> list[Detection]:
    toks = _exec_form(instr, lines)
    if toks is not None:
        return detect_command_line([t.text for t in toks], instr.line, token_lines=[t.line for t in toks],
                                   lines=lines, variables=known)
    out: list[Detection] = []
    if instr.heredocs:
        command = _HEREDOC_RE.sub(" ", re.sub(r"^(--[\w-]+(=\S+)?\s+)+", "", instr.args))
        words = split_words(instr.args)
        for doc in instr.heredocs:
            if command.strip():
                out.extend(scan_heredoc(doc, lines=lines, variables=known, words=words))
            else:  # `RUN <<EOF`: the body is the step's script
                body_text = "\n".join(t for _, t in doc.body)
                fmt = sniff(body_text) if body_text.lstrip().startswith("#!") else "script"
                out.extend(scan_heredoc(doc, lines=lines, variables=known, words=words, fmt=fmt, target="RUN"))
    body: list[str] = []
    for n in range(instr.line, instr.pieces[-1] + 1):
        text = lines[n - 1]
        if n == instr.line:
            text = re.sub(r"^(\s*)RUN\b", lambda m: " " * len(m.group(0)), text, count=1, flags=re.I)
            text = re.sub(r"^(\s*)(--[\w-]+(=\S+)?\s+)+", lambda m: " " * len(m.group(0)), text)
        if n not in instr.pieces:
            text = "\\"
        body.append(text)
    if instr.heredocs:
        body = [_HEREDOC_RE.sub("", b) for b in body]
    out.extend(scan_script("\n".join(body), first_line=instr.line, lines=lines, variables=known))
    return out


def _copy(instr: _Instr, lines: list[str], detector: str, known: dict[str, Assignment]) -> list[Detection]:
    words = [w for w in split_words(instr.args) if not w.startswith("--")]
    out: list[Detection] = []
    if instr.heredocs:  # `COPY <<EOF /app/config.yaml`: a file written from the Dockerfile itself
        dest = words[-1] if words and not words[-1].startswith("<") and words[-1] != instr.heredocs[-1].delimiter \
            else ""
        for doc in instr.heredocs:
            name = dest if dest and not dest.endswith("/") else doc.delimiter
            out.extend(scan_heredoc(doc, lines=lines, variables=known, words=words, detector=detector,
                                    fmt=format_for_path(name) or "", target=name))
        return out
    for w in words[:-1]:
        repo = hf_id_from_url(w)
        line = next((n for n in instr.pieces if w in lines[n - 1]), instr.line)
        if (repo and is_hf_id(repo)) or (w.lower().endswith(_COPY_SUFFIXES) and is_plausible(w, "keyed")):
            out.append(model_detection(w, line, kind="config", detector=detector, snippet=lines[line - 1],
                                       hub="huggingface" if repo else "file", confidence="high", route=False,
                                       note=f"{instr.keyword.lower()} into the image"))
    return out


def _final_command(st: _Stage, lines: list[str], known: dict[str, Assignment], detector: str) -> list[Detection]:
    if st.entrypoint is not None:
        toks = st.entrypoint if st.entry_shell else st.entrypoint + (st.cmd or [])
        image = None
    elif st.cmd is not None:
        toks, image = st.cmd, st.image
    else:
        return []
    if not toks:
        return []
    return detect_command_line([t.text for t in toks], toks[0].line, token_lines=[t.line for t in toks],
                               lines=lines, variables=known, image=image, detector=detector)
