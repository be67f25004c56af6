"""Model references in one command line: `vllm serve X`, `ollama pull X`, `llama-server -hf X`, ...

`detect_command_line` is the public entry point, shared by shell scripts, Dockerfiles, compose files,
Kubernetes manifests, CI workflows and notebooks (`!ollama pull llama3`). It knows the serving and
download tools by name, the container images whose entrypoint is one of them, the wrappers that
run another command (`sudo`, `uv run`, `docker exec`, `bash -c`), and the `--model`-style flags of
any other program (reported only when the value has a model's shape).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import replace

from upstream.detect import Detection
from upstream.detect.config_args import Assignment, Ctx, Tok, read_generic, read_tool
from upstream.detect.config_env import EnvVar, env_detections
from upstream.detect.config_http import POWERSHELL_COMMANDS, read_http
from upstream.detect.config_keys import model_detection
from upstream.detect.config_tools import TOOLS, image_tool, module_tool
from upstream.detect.identifiers import hf_id_from_url, is_hf_id
from upstream.evidence import EvidenceKind

__all__ = ["Assignment", "Tok", "detect_command_line", "split_words", "strip_comment"]


_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;", "|&"})
_REDIRECT_RE = re.compile(r"^[<>&|]*[<>][<>&|]*$")
_ASSIGN_RE = re.compile(r"^[A-Za-z_]\w*=")
_WRAPPERS = frozenset({"sudo", "nohup", "exec", "time", "nice", "stdbuf", "command", "builtin", "xargs",
                       "srun", "caffeinate", "unbuffer", "setsid", "catchsegv", "ionice", "chronic"})
_RUNNERS = frozenset({"uv", "poetry", "pdm", "pipenv", "hatch", "rye", "pixi", "conda", "mamba", "micromamba"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh"})
_DOCKER_VALUE_OPTS = frozenset({
    "-a", "--attach", "-c", "--cpu-shares", "--cpus", "--cpuset-cpus", "-e", "--env", "--env-file",
    "--entrypoint", "-h", "--hostname", "-l", "--label", "--label-file", "--log-driver", "--log-opt", "-m",
    "--memory", "--memory-swap", "--mount", "--name", "--network", "--net", "--network-alias", "-p",
    "--publish", "--pid", "--platform", "--pull", "--restart", "--runtime", "--security-opt", "--shm-size",
    "--stop-signal", "--stop-timeout", "--tmpfs", "-u", "--user", "--ulimit", "-v", "--volume",
    "--volumes-from", "-w", "--workdir", "--gpus", "--device", "--ipc", "--add-host", "--cap-add",
    "--cap-drop", "--dns", "--health-cmd", "--health-interval", "--health-retries", "--health-timeout",
    "--health-start-period", "--group-add", "--expose", "--link", "--ip", "--cidfile", "--sysctl",
    "--userns", "--memory-reservation", "--device-cgroup-rule", "--uts", "--cgroupns", "--mac-address",
})


def split_words(text: str) -> list[str]:
    """Shell words of one line (quotes removed, operators as their own words); never raises."""
    text = strip_comment(text)
    lex = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>")
    lex.whitespace_split = True
    lex.commenters = ""
    try:
        return list(lex)
    except ValueError:
        return [w.strip("\"'") for w in text.split()]


def strip_comment(text: str) -> str:
    """The line without its trailing `# comment` (a `#` outside quotes, at the start or after a blank)."""
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i]
    return text


def detect_command_line(
    tokens: Sequence[str], line: int, *, token_lines: Sequence[int] | None = None,
    kind: EvidenceKind = "config", detector: str = "shell", snippet: str = "",
    lines: Sequence[str] | None = None, variables: Mapping[str, Assignment] | None = None,
    image: str | None = None,
) -> list[Detection]:
    """Model references in one command line.

    - `tokens`: its words, quotes removed (`split_words(text)` or `shlex.split`); operators such as
      `&&` and `|` may be among them and separate commands.
    - `line`: the line of the first word; `token_lines` gives one line per word when they differ.
    - `kind`, `detector`: copied into each Detection (technique is always "manifest-analysis");
      `snippet` is used for every detection unless `lines` (the file's lines) is given.
    - `variables`: assignments seen earlier (`MODEL=...`); a `$MODEL` argument is reported at the
      assignment's literal, with the command line in `related`.
    - `image`: the container image the words are handed to (its entrypoint, e.g. vLLM's server).

    Returns detections with line numbers; callers set `cell` for notebooks (`dataclasses.replace`).
    """
    tl = list(token_lines) if token_lines is not None and len(token_lines) == len(tokens) else [line] * len(tokens)
    ctx = Ctx(kind, detector, snippet, lines, variables or {})
    toks = [Tok(t, n) for t, n in zip(tokens, tl, strict=True)]
    for cmd in _commands(toks):
        if image:
            _with_image(ctx, cmd, image)
        else:
            _dispatch(ctx, cmd)
    return ctx.out


def _commands(toks: list[Tok]) -> list[list[Tok]]:
    cmds: list[list[Tok]] = [[]]
    skip = False
    for t in toks:
        if skip:
            skip = False
            continue
        if t.text in _SEPARATORS:
            cmds.append([])
        elif _REDIRECT_RE.match(t.text):
            skip = True
        else:
            cmds[-1].append(t)
    return [c for c in cmds if c]


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1].lower()


def _dispatch(ctx: Ctx, cmd: list[Tok]) -> None:
    ctx.depth += 1
    if ctx.depth > 12:
        return
    env: list[EnvVar] = []
    while cmd and _ASSIGN_RE.match(cmd[0].text):
        k, _, v = cmd[0].text.partition("=")
        env.append(EnvVar(k, v, cmd[0].line, ctx.snip(cmd[0].line)))
        cmd = cmd[1:]
    if env:
        ctx.out.extend(env_detections(env, kind=ctx.kind, detector=ctx.detector))
    if not cmd:
        return
    if cmd[0].text.startswith("-"):  # bare arguments, the program unknown
        read_generic(ctx, cmd, None)
        return
    name = _base(cmd[0].text)
    rest = cmd[1:]
    if name in _WRAPPERS or name == "env":
        _dispatch(ctx, _drop_options(rest, {"-u", "-n", "-g", "-C", "-o", "-e", "-i"}))
    elif name == "timeout":
        _dispatch(ctx, _drop_options(rest, {"-s", "-k", "--signal", "--kill-after"})[1:])
    elif name in _RUNNERS and rest and rest[0].text in ("run", "exec"):
        _dispatch(ctx, _drop_options(rest[1:], {"-n", "--name", "-p", "--prefix", "--with", "--python",
                                                "--env", "-e", "--from", "--directory", "--project"}))
    elif name in ("uvx", "pipx") and rest:
        args = rest[1:] if name == "pipx" and rest[0].text == "run" else rest
        _dispatch(ctx, _drop_options(args, {"--from", "--with", "--python", "--spec"}))
    elif name in _SHELLS:
        _shell_c(ctx, rest)
    elif name in ("docker", "podman", "nerdctl", "docker-compose", "kubectl"):
        _container(ctx, name, rest)
    elif re.match(r"^(?:python|py)(?:\d+(?:\.\d+)*)?$", name):
        _python(ctx, rest)
    elif name in ("curl", "wget", "http", "https", "xh", "xhs") or name in POWERSHELL_COMMANDS:
        read_http(ctx, name, rest)
        _urls(ctx, rest)
    elif name in ("git", "aria2c", "git-lfs"):
        _urls(ctx, rest)
    elif name in TOOLS:
        read_tool(ctx, TOOLS[name], rest, cmd[0])
    elif name in ("main", "server") and "/" in cmd[0].text:  # llama.cpp's binaries before their rename
        read_tool(ctx, TOOLS["llama-server" if name == "server" else "llama-cli"], rest, cmd[0])
    else:
        read_generic(ctx, rest, cmd[0])


def _drop_options(toks: list[Tok], with_value: set[str]) -> list[Tok]:
    i = 0
    while i < len(toks) and (toks[i].text.startswith("-") or _ASSIGN_RE.match(toks[i].text)):
        i += 2 if toks[i].text in with_value else 1
    return toks[i:]


def _shell_c(ctx: Ctx, rest: list[Tok]) -> None:
    for i, t in enumerate(rest):
        if t.text.startswith("-") and "c" in t.text and i + 1 < len(rest):
            script = rest[i + 1]
            words = split_words(script.text)
            if ctx.lines is not None and "\n" in script.text:
                from upstream.detect.config_script import scan_script

                ctx.out.extend(scan_script(script.text, first_line=script.line, kind=ctx.kind,
                                           detector=ctx.detector, lines=None, variables=ctx.variables,
                                           snippet=ctx.snip(script.line)))
                return
            for sub in _commands([Tok(w, script.line) for w in words]):
                _dispatch(ctx, sub)
            return


def _python(ctx: Ctx, rest: list[Tok]) -> None:
    i = 0
    while i < len(rest) and rest[i].text.startswith("-"):
        if rest[i].text == "-c" and i + 1 < len(rest):
            _python_code(ctx, rest[i + 1])
            return
        if rest[i].text == "-m" and i + 1 < len(rest):
            module = rest[i + 1].text
            args = rest[i + 2:]
            tool = module_tool(module, args[0].text if args else "")
            if tool is not None:
                read_tool(ctx, tool, args, rest[i + 1])
            else:
                read_generic(ctx, args, rest[i + 1])
            return
        i += 2 if rest[i].text in ("-X", "-W", "-c") else 1
    read_generic(ctx, rest[i + 1:] if i < len(rest) else [], rest[i] if i < len(rest) else None)


def _python_code(ctx: Ctx, code: Tok) -> None:
    """`python -c "from sentence_transformers import CrossEncoder; CrossEncoder('BAAI/bge-reranker-large')"` (a
    Dockerfile fetching weights at build time): the code read by the Python detector, its findings placed on
    the command's lines."""
    from upstream.detect import ParseError
    from upstream.detect.python_code import analyze_python  # imports this module: not at the top

    try:
        found = analyze_python(code.text, detector=ctx.detector, kind=ctx.kind)
    except (ParseError, RecursionError):
        return
    for d in found:
        line = code.line + d.line - 1
        ctx.out.append(replace(d, line=line, column=None, snippet=ctx.snip(line), related=(),
                               note=f"in Python code run by the command{'; ' + d.note if d.note else ''}"))


def _urls(ctx: Ctx, rest: list[Tok]) -> None:
    for t in rest:
        repo = hf_id_from_url(t.text)
        if repo and is_hf_id(repo) and "/datasets/" not in t.text and "/spaces/" not in t.text:
            ctx.out.append(model_detection(
                t.text, t.line, kind=ctx.kind, detector=ctx.detector, snippet=ctx.snip(t.line),
                provider="huggingface-hub", hub="huggingface", confidence="high", route=False,
            ))


def _container(ctx: Ctx, name: str, rest: list[Tok]) -> None:
    args = [t for t in rest if t.text not in ("container",)]
    if name == "kubectl":
        if args and args[0].text == "exec":
            for i, t in enumerate(args):
                if t.text == "--":
                    _dispatch(ctx, args[i + 1:])
                    return
        return
    if args and args[0].text == "compose":
        args = args[1:]
        name = "docker-compose"
    if not args:
        return
    sub, args = args[0].text, args[1:]
    if name == "docker-compose":
        if sub in ("exec", "run"):
            rest2 = _drop_options(args, {"-e", "--env", "-u", "--user", "-w", "--workdir", "--name",
                                         "--entrypoint", "-p", "--publish", "-v", "--volume", "--index"})
            if rest2:
                _dispatch(ctx, rest2[1:])
        return
    if sub == "exec":
        rest2 = _drop_options(args, {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file"})
        if rest2:
            _dispatch(ctx, rest2[1:])
        return
    if sub not in ("run", "create"):
        return
    env: list[EnvVar] = []
    entry: list[Tok] = []
    i = 0
    while i < len(args) and args[i].text.startswith("-"):
        opt, _, inline = args[i].text.partition("=")
        takes = opt in _DOCKER_VALUE_OPTS and not inline
        value = args[i + 1] if takes and i + 1 < len(args) else Tok(inline, args[i].line)
        if opt in ("-e", "--env") and "=" in value.text:
            k, _, v = value.text.partition("=")
            env.append(EnvVar(k, v, value.line, ctx.snip(value.line)))
        elif opt == "--entrypoint":
            entry = [Tok(w, value.line) for w in split_words(value.text)]
        i += 2 if takes else 1
    if i >= len(args):
        return
    image = args[i].text
    tool = image_tool(image)
    if env:
        ctx.out.extend(env_detections(env, kind=ctx.kind, detector=ctx.detector,
                                      provider=tool.provider if tool else None, ai_context=tool is not None))
    cmd = entry + args[i + 1:]
    if entry:
        _dispatch(ctx, cmd)
    elif cmd:
        _with_image(ctx, cmd, image)


def _with_image(ctx: Ctx, cmd: list[Tok], image: str) -> None:
    """Words handed to a container image: a full command, or arguments to the image's entrypoint."""
    tool = image_tool(image)
    first = _base(cmd[0].text)
    runs_command = first in TOOLS or first in _SHELLS or first in _WRAPPERS or first.startswith("python")
    if tool is None or runs_command or tool.image_runs_command:
        _dispatch(ctx, cmd)
    else:
        read_tool(ctx, tool, cmd, None)
