"""Shared by the live tests: start llama.cpp's OpenAI-compatible server (llama-cpp-python) and wait for it."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
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


def require_models(*files: str) -> None:
    """Fail (the live tests run only where llama.cpp is wanted) when llama_cpp or a GGUF file is missing."""
    assert HAVE_LLAMA, "UPSTREAM_REQUIRE_LIVE is set but llama_cpp is missing: pip install 'llama-cpp-python[server]'"
    missing = [f for f in files if not (MODELS_DIR / f).is_file()]
    assert not missing, f"missing test models in {MODELS_DIR}: {missing}; run ../shared/models/fetch-test-models"


@contextlib.contextmanager
def llama_server(file: str, alias: str, log: Path, *, threads: int, n_ctx: int, wait: bool = True) -> Iterator[Server]:
    """llama.cpp's server for MODELS_DIR/file as model `alias` on a free loopback port, its output in `log`;
    stopped (terminated, then killed) on leaving. With `wait=False` the caller waits (`Server.ready`), so
    several servers can load at once."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(MODELS_DIR / file), "--model_alias", alias,
             "--host", "127.0.0.1", "--port", str(port), "--n_threads", str(threads), "--n_threads_batch",
             str(threads), "--n_ctx", str(n_ctx), "--verbose", "false"], stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent if sys.platform == "linux" else None)
        server = Server(f"http://127.0.0.1:{port}/v1", proc)
        try:
            if wait:
                server.ready()
            yield server
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@dataclass(frozen=True)
class Server:
    url: str
    proc: subprocess.Popen[bytes]

    def ready(self) -> None:
        wait_ready(self.url, self.proc)
