"""Shared by the live tests: start llama.cpp's OpenAI-compatible server (llama-cpp-python) and wait for it."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REQUIRE = bool(os.environ.get("UPSTREAM_REQUIRE_LIVE"))
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
MODELS_DIR = Path(os.environ.get("UPSTREAM_TEST_MODELS") or Path.home() / ".cache" / "upstream-test-models")


def die_with_parent() -> None:
    """In the server's child process: get SIGTERM when the test process dies, even if it is killed (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"llama_cpp.server did not come up at {url}")
