"""Model references in Dockerfiles and shell commands (vllm serve, ollama pull, ...).

Shell scripts, Makefiles, Procfiles, justfiles, Windows batch/PowerShell scripts, systemd units and
Dockerfiles. Heredoc bodies are read in the format of the file they write (`config_heredoc`), and
requests to model APIs (`curl .../api/generate -d '{"model": ...}'`) by `config_http`.
The command-line knowledge lives in `config_commands` (`detect_command_line`, reusable by other
detectors); scripts are read by `config_script` and Dockerfiles by `config_dockerfile`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from upstream.detect import Detection, FileInput, Screen
from upstream.detect.config_commands import detect_command_line, split_words
from upstream.detect.config_dockerfile import scan_dockerfile
from upstream.detect.config_keys import dedupe
from upstream.detect.config_script import scan_script
from upstream.detect.config_text import lenient_text
from upstream.detect.config_unit import scan_unit

__all__ = ["ShellDetector", "detect_command_line", "scan_script", "split_words"]

_SCRIPT_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".ksh", ".command"})
_WINDOWS_SUFFIXES = frozenset({".bat", ".cmd", ".ps1"})
_UNIT_SUFFIXES = frozenset({".service"})  # systemd units: ExecStart= commands, Environment= settings
_MAKEFILES = frozenset({"makefile", "gnumakefile"})
_JUSTFILES = frozenset({"justfile", ".justfile"})
_PROCFILE_RE = re.compile(r"^([\w.-]+)\s*:\s*(.+)$")


def is_dockerfile(name: str) -> bool:
    low = name.lower()
    return (low in ("dockerfile", "containerfile") or low.endswith((".dockerfile", ".containerfile"))
            or low.startswith(("dockerfile.", "containerfile.", "dockerfile-", "dockerfile_")))


class ShellDetector:
    """Model references in Dockerfiles and shell commands (vllm serve, ollama pull, ...)."""

    id = "shell"
    screen = Screen(_SCRIPT_SUFFIXES | _WINDOWS_SUFFIXES | _UNIT_SUFFIXES | {".mk", ".dockerfile", ".containerfile"},
                    (*sorted(_MAKEFILES | _JUSTFILES), "procfile", ".envrc", "dockerfile", "containerfile"))
    keywords: tuple[bytes, ...] = (
        b"model", b"MODEL", b"Model", b"vllm", b"ollama", b"llama", b"huggingface", b"hf ", b"hf.co", b"text-gen",
        b"text-emb", b"mlx_lm", b"sglang", b"lmdeploy", b"LLM", b"llm", b"tune ", b"modelscope", b"lms ",
        b"whisper", b"yolo", b"openai", b"aider", b"litellm", b".gguf", b"_BASE_URL", b"_API_BASE", b"OLLAMA",
    )

    def wants(self, path: str, name: str, suffix: str) -> bool:
        low = name.lower()
        return (suffix in _SCRIPT_SUFFIXES or suffix in _WINDOWS_SUFFIXES or low in _MAKEFILES
                or suffix == ".mk" or low in _JUSTFILES or low == "procfile" or low.startswith("procfile.")
                or low == ".envrc" or suffix in _UNIT_SUFFIXES or is_dockerfile(name))

    def detect(self, file: FileInput) -> Iterator[Detection]:
        text = lenient_text(file)  # scripts are read line by line: a stray byte costs its own line only
        name = file.name
        low = name.lower()
        if is_dockerfile(name):
            yield from scan_dockerfile(text, detector=self.id)
        elif low in _MAKEFILES or file.suffix == ".mk":
            yield from scan_script(text, dialect="make", lines=text.splitlines())
        elif file.suffix in _WINDOWS_SUFFIXES:
            yield from scan_script(text, dialect="bat", lines=text.splitlines())
        elif low == "procfile" or low.startswith("procfile."):
            yield from _procfile(text)
        elif file.suffix in _UNIT_SUFFIXES:
            yield from scan_unit(text.splitlines(), detector=self.id)
        elif low in _JUSTFILES:
            yield from scan_script("\n".join(ln.strip() for ln in text.splitlines()), lines=text.splitlines())
        else:
            yield from scan_script(text, lines=text.splitlines())


def _procfile(text: str) -> list[Detection]:
    lines = text.splitlines()
    out: list[Detection] = []
    for n, raw in enumerate(lines, start=1):
        m = _PROCFILE_RE.match(raw.strip())
        if m and not raw.lstrip().startswith("#"):
            out.extend(scan_script(m.group(2), first_line=n, lines=lines))
    return dedupe(out)
