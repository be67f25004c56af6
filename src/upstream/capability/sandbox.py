"""Run model-generated Python against hidden unit tests, contained in a throwaway child process.

The code never runs in our process. Each call gets a fresh temporary folder and a fresh process (a fork
of a warm launcher, `python -I -S -B _sandbox_boot.py --zygote`, standard library only; a cold
interpreter per task where no launcher can run), which layers what this machine allows before the
model's code is imported:

- ``rlimits``: CPU seconds, address space, file size, open files, processes, no core dumps;
- ``audit-hook``: a `sys.addaudithook` tripwire that refuses sockets, processes, signals, ctypes, some
  interpreter introspection, reads of secrets and file writes outside the folder; a refused operation
  makes the run "blocked" even when the code catches the error;
- ``pidns`` / ``netns`` / ``mountns``: Linux namespaces (as root directly, otherwise inside a ``userns``):
  the code is PID 1 of its own process tree, so nothing it starts outlives it; the network has only a
  loopback that is down; the file system is read-only (``fs-readonly``) except the folder, which is a
  size-limited tmpfs;
- ``uid-drop``: when started as root, the code runs as a uid of its own, so the process limit holds
  (it does not for uid 0) and root's files are out of reach.

The kernel layers are the boundary; the audit hook classifies what the code tried and protects machines
without them (macOS, containers that forbid namespaces): `isolation()` says which layers this machine
gives and every result records them. Results come back on a dedicated pipe, each line carrying a nonce
the code is never handed; stdout is never trusted. This stops code that fakes a result by printing or by
writing to file descriptors; code that deliberately walks the interpreter's frames to find the nonce
could still forge one: the sandbox contains what code can do to the machine, not every lie it can tell.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["Limits", "SandboxResult", "SandboxStatus", "isolation", "run_tests"]

SandboxStatus = Literal["passed", "failed", "timeout", "memory", "output-limit", "blocked", "crashed"]

BOOT = Path(__file__).with_name("_sandbox_boot.py")
STATUSES: frozenset[str] = frozenset(("passed", "failed", "memory", "blocked", "crashed"))
STATUS_CAP = 1 << 18  # bytes accepted on the status pipe before the child counts as tampering
GRACE = 0.25  # seconds after the time limit before the process group is killed
DRAIN = 0.5  # seconds to wait for pipes to close after the child exits or is killed
ZYGOTE_START = 10.0  # seconds the warm launcher may take to say it is ready


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run."""

    seconds: float = 10.0
    memory_mb: int = 512
    output_bytes: int = 65536
    file_bytes: int = 1 << 20
    processes: int = 16


@dataclass(frozen=True)
class SandboxResult:
    """What one run did: status, wall seconds, exit code, captured (capped) output and the layers in force."""

    status: SandboxStatus
    seconds: float
    returncode: int | None
    stdout: str
    stderr: str
    detail: str | None
    isolation: tuple[str, ...]


def run_tests(solution: str, tests: str, *, limits: Limits = Limits()) -> SandboxResult:
    """Run `tests` (top-level asserts, then each ``test_*`` function) against `solution` in a sandbox.

    The solution is importable as module ``solution`` and its public names are in the tests' namespace.
    "passed" needs a clean exit and every test run; see the module docstring for the layers.
    """
    return _execute(solution, tests, limits)


@functools.cache
def isolation() -> tuple[str, ...]:
    """The isolation layers this machine gives, measured once by running an empty task."""
    return _execute("", "", Limits(seconds=10.0)).isolation


@dataclass
class _Channel:
    """Output collected from the child, with the reason it was stopped, if any."""

    stdout: bytearray
    stderr: bytearray
    status: bytearray
    killed: str | None = None  # "timeout" | "output-limit" | "tamper"


class _Zygote:
    """A warm launcher that forks one sandbox per task: a fork instead of an interpreter start per task.

    Started on first use with a scrubbed environment; it runs no model code itself (each task is a fresh
    fork of it) and exits when our end of its socket closes, i.e. with this process.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.owner = 0
        self.broken = False

    def submit(self, workdir: str, fds: tuple[int, int, int]) -> bool:
        """Hand a task over; False when no zygote can run here (the caller starts the task cold)."""
        with self.lock:
            for _ in range(2):
                if not self._alive() and not self._start():
                    return False
                assert self.sock is not None
                try:
                    socket.send_fds(self.sock, [os.fsencode(workdir)], list(fds))
                    return True
                except OSError:
                    self._stop()
            return False

    def _alive(self) -> bool:
        return self.proc is not None and self.owner == os.getpid() and self.proc.poll() is None

    def _start(self) -> bool:
        if self.broken:
            return False
        self._stop()
        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except (AttributeError, OSError):  # no SOCK_SEQPACKET (macOS): every task starts cold
            self.broken = True
            return False
        try:
            self.proc = subprocess.Popen(
                [*_interpreter(), str(BOOT), "--zygote", str(theirs.fileno())], cwd="/",
                env=_scrubbed_env("/"), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), start_new_session=True)
            ours.settimeout(ZYGOTE_START)
            ready = ours.recv(16) == b"ready"
            ours.settimeout(None)
        except OSError:
            ready = False
        finally:
            theirs.close()
        self.sock, self.owner = ours, os.getpid()
        if not ready:
            self.broken = True
            self._stop()
        return ready

    def _stop(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.proc is not None and self.owner == os.getpid():
            try:
                self.proc.kill()
                self.proc.wait(timeout=1)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.proc = None


_ZYGOTE = _Zygote()


def _execute(solution: str, tests: str, limits: Limits, *, audit: bool = True, namespaces: bool = True,
             warm: bool = True) -> SandboxResult:
    """`run_tests`, with switches for the tests that check each layer on its own (and the cold start)."""
    if not hasattr(os, "fork"):
        return SandboxResult("crashed", 0.0, None, "", "", "the sandbox needs a POSIX system (Linux, macOS)", ())
    start = time.perf_counter()
    workdir = os.path.realpath(tempfile.mkdtemp(prefix="upstream-sandbox-"))
    nonce = secrets.token_hex(16)
    pipes = [os.pipe() for _ in range(3)]  # stdout, stderr, status
    ours, theirs = [r for r, _ in pipes], [w for _, w in pipes]
    proc: subprocess.Popen[bytes] | None = None
    channel = _Channel(bytearray(), bytearray(), bytearray())
    try:
        _write_payload(workdir, {
            "nonce": nonce, "workdir": workdir, "solution": solution, "tests": tests,
            "seconds": float(limits.seconds), "memory_mb": int(limits.memory_mb),
            "file_bytes": int(limits.file_bytes), "processes": int(limits.processes), "status_fd": theirs[2],
            "audit": audit, "namespaces": namespaces, "uid": _sandbox_uid(), "deny_read": _deny_read(),
        })
        if not (warm and _ZYGOTE.submit(workdir, (theirs[0], theirs[1], theirs[2]))):
            proc = subprocess.Popen(
                [*_interpreter(), str(BOOT), workdir], cwd=workdir, env=_scrubbed_env(workdir),
                stdin=subprocess.DEVNULL, stdout=theirs[0], stderr=theirs[1], pass_fds=(theirs[2],),
                start_new_session=True)
        for fd in theirs:
            os.close(fd)
        theirs = []
        _collect(channel, ours, start + limits.seconds + GRACE, limits.output_bytes, nonce)
    finally:
        raw = bytes(channel.status)
        code_group = _status_pid(raw, nonce, b"G")
        task_group = _status_pid(raw, nonce, b"P") or (proc.pid if proc is not None else None)
        for group in (code_group, task_group):  # the code first: its relay then reaps it and reports
            if group is not None:
                _kill_group(group)
                _drain(ours, time.perf_counter() + DRAIN)
        if proc is not None:
            proc.wait()
        for fd in ours + theirs:
            os.close(fd)
        _remove(workdir)
    took = time.perf_counter() - start
    returncode = _exit_code(bytes(channel.status), nonce)
    if returncode is None and proc is not None:
        returncode = proc.returncode
    return _result(channel, returncode, took, nonce, limits)


def _interpreter() -> list[str]:
    return [sys.executable, "-I", "-S", "-B", "-X", "utf8"]


def _sandbox_uid() -> int:
    """A uid of its own for each run (used when started as root): runs cannot signal or read each other."""
    return 1_800_000_000 + secrets.randbelow(100_000_000)


def _write_payload(workdir: str, payload: dict[str, object]) -> None:
    """Hand the child its job in a private file it reads and deletes before any model code runs."""
    fd = os.open(os.path.join(workdir, ".payload"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(marshal.dumps(payload))


def _scrubbed_env(workdir: str) -> dict[str, str]:
    """A minimal environment: no API keys, tokens or the caller's HOME."""
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "USER": "sandbox",
           "LOGNAME": "sandbox", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    if "TZ" in os.environ:
        env["TZ"] = os.environ["TZ"]
    return env


def _deny_read() -> list[str]:
    """Folders the audit hook refuses to read from: the caller's home (secrets) unless Python lives there."""
    deny = ["/proc", "/sys", "/root", "/run/secrets", "/var/run/secrets", "/etc/shadow", "/etc/gshadow",
            "/etc/ssh", "/etc/sudoers"]
    home = os.path.realpath(os.path.expanduser("~"))
    if home not in ("/", "") and home not in deny:
        deny.append(home)
    return deny


def _collect(channel: _Channel, fds: list[int], deadline: float, cap: int, nonce: str) -> None:
    """Read stdout, stderr and status until all close (every holder gone), or stop on time, flood or tamper.

    Once the relay has reported the exit code, whatever still holds a pipe gets `DRAIN` seconds.
    """
    sinks = dict(zip(fds, (channel.stdout, channel.stderr, channel.status), strict=True))
    status_fd = fds[2]
    sel = selectors.DefaultSelector()
    for fd in fds:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    exit_line = f"{nonce} X ".encode()
    try:
        while sel.get_map():
            now = time.perf_counter()
            if now >= deadline:
                channel.killed = channel.killed or "timeout"
                return
            for key, _ in sel.select(deadline - now):
                fd = int(key.fd)
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(fd)
                    continue
                sink = sinks[fd]
                sink += chunk
                if fd == status_fd:
                    if len(sink) > STATUS_CAP:
                        channel.killed = "tamper"
                    elif exit_line in chunk or exit_line in sink[-len(chunk) - len(exit_line):]:
                        deadline = min(deadline, time.perf_counter() + DRAIN)
                elif len(channel.stdout) + len(channel.stderr) > cap:
                    channel.killed = "output-limit"
                if channel.killed:
                    return
    finally:
        sel.close()


def _drain(fds: list[int], deadline: float) -> None:
    """Discard what is left until every pipe is closed, i.e. every process holding one is gone."""
    sel = selectors.DefaultSelector()
    for fd in fds:
        sel.register(fd, selectors.EVENT_READ)
    try:
        while sel.get_map() and (now := time.perf_counter()) < deadline:
            for key, _ in sel.select(deadline - now):
                try:
                    if not os.read(int(key.fd), 65536):
                        sel.unregister(key.fd)
                except BlockingIOError:
                    pass
    finally:
        sel.close()


def _kill_group(pgid: int) -> None:
    """SIGKILL the child's whole process group (its namespace dies with it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _remove(path: str) -> None:
    """Remove the work folder even when the code made parts of it read-only."""
    def fix(_func: object, target: str, _exc: object) -> None:
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target, ignore_errors=True)
            else:
                os.unlink(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=fix)


def _result(channel: _Channel, returncode: int | None, took: float, nonce: str, limits: Limits) -> SandboxResult:
    """Map what came back to a status: our own kills first, then the child's verified report, then signals."""
    layers, running, end, tampered = _parse_status(bytes(channel.status), nonce)
    stdout = _text(channel.stdout, limits.output_bytes)
    stderr = _text(channel.stderr, max(0, limits.output_bytes - len(channel.stdout)))

    def done(status: SandboxStatus, detail: str | None) -> SandboxResult:
        return SandboxResult(status, took, returncode, stdout, stderr, detail, layers)

    where = f" (in {running})" if running else ""
    if channel.killed == "timeout":
        return done("timeout", f"no result within {limits.seconds:g} s{where}")
    if channel.killed == "output-limit":
        return done("output-limit", f"output passed {limits.output_bytes} bytes{where}")
    if channel.killed == "tamper" or tampered:
        return done("blocked", "the code wrote to the sandbox's status channel")
    if end is not None:
        status, count, detail = end
        if status == "passed":
            if returncode == 0:
                return done("passed", f"{count} test{'s' if count != 1 else ''} passed")
            return done("crashed", f"tests passed but the process exited with {returncode}")
        return done(status, detail or None)  # type: ignore[arg-type]  # checked against STATUSES
    if returncode is not None and returncode < 0:
        sig = -returncode
        name = _signal_name(sig)
        if sig == signal.SIGXCPU:
            return done("timeout", f"CPU time limit ({name}){where}")
        if _memory_trace(stderr):
            return done("memory", f"out of memory ({name}){where}")
        return done("crashed", f"killed by {name}{where}")
    if _memory_trace(stderr):
        return done("memory", f"out of memory{where}")
    return done("crashed", f"exited with {returncode} before reporting a result{where}")


def _parse_status(raw: bytes, nonce: str) -> tuple[tuple[str, ...], str | None,
                                                    tuple[str, int, str] | None, bool]:
    """Layers, the test last started, the end record, and whether any line failed verification."""
    layers: tuple[str, ...] = ()
    running: str | None = None
    end: tuple[str, int, str] | None = None
    tampered = False
    key = nonce.encode()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        parts = line.split(b" ")
        relay = parts[1] in (b"G", b"X") if len(parts) > 1 else False  # the relay may write after the end
        if len(parts) < 2 or not secrets.compare_digest(parts[0], key) or (end is not None and not relay):
            tampered = True
            continue
        try:
            kind, args = parts[1], [p.decode("ascii") for p in parts[2:]]
            if kind in (b"P", b"G", b"X") and len(args) == 1:
                int(args[0])
            elif kind == b"L" and len(args) == 1:
                layers = tuple(x for x in args[0].split(",") if x)
            elif kind == b"R" and len(args) == 1:
                running = _unhex(args[0])
            elif kind == b"E" and len(args) == 3 and args[0] in STATUSES:
                end = (args[0], int(args[1]), _unhex(args[2]))
            else:
                tampered = True
        except ValueError:
            tampered = True
    return layers, running, end, tampered


def _status_pid(raw: bytes, nonce: str, kind: bytes) -> int | None:
    """The first ``P`` (task) or ``G`` (code) process group line, written by our relay before the code runs."""
    for line in raw.split(b"\n"):
        parts = line.split(b" ")
        if len(parts) == 3 and parts[0] == nonce.encode() and parts[1] == kind and parts[2].isdigit():
            return int(parts[2]) if int(parts[2]) > 1 else None
    return None


def _exit_code(raw: bytes, nonce: str) -> int | None:
    """The exit code the relay reported (negative: killed by that signal); the last such line counts."""
    code = None
    prefix = f"{nonce} X ".encode()
    for line in raw.split(b"\n"):
        if line.startswith(prefix):
            with contextlib.suppress(ValueError):
                code = int(line[len(prefix):])
    return code


def _unhex(field: str) -> str:
    return "" if field == "-" else bytes.fromhex(field).decode("utf-8", "replace")


def _text(data: bytearray, cap: int) -> str:
    return bytes(data[:cap]).decode("utf-8", "replace")


def _memory_trace(stderr: str) -> bool:
    tail = stderr[-2000:]
    return "MemoryError" in tail or "Cannot allocate memory" in tail or "out of memory" in tail


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"
