"""Score answers in a forked second process while the first one talks to the endpoint.

The probe client's own work (parsing responses, committing them to the store) keeps one core busy on a
fast endpoint; scoring (about 0.1 ms an answer) on the same core would make it the bottleneck. Where
fork is safe (Linux, no other thread in the process, more than one usable core) the runner forks one
child that already holds the suite and the scoring tables. Answers go to it in batches over a pipe as
`marshal` data (strings, numbers and tuples: loading it cannot run code) and labels come back the same
way. One batch is in flight at a time, so the parent never blocks on a full pipe, and answers that
arrive meanwhile form the next batch. If the child dies or fails on a batch, `done` is never called for
those answers and the runner scores them itself: a result is never lost, only slower.
"""

from __future__ import annotations

import asyncio
import contextlib
import marshal
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields
from multiprocessing.connection import Connection
from typing import Any

from upstream.probe.scoring import Labels, score
from upstream.probe.suite import Item

Job = tuple[int, int, str, str, str, str]  # (answer index, item position or -1, language, answer, reasoning, prompt)
_FIELDS = tuple(f.name for f in fields(Labels))


def usable() -> bool:
    """Whether a forked scorer is safe and worth it here."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1 and cores > 1)


def flatten(labels: Labels) -> tuple[Any, ...]:
    """A Labels as a plain tuple in field order (what marshal can carry)."""
    return tuple(getattr(labels, name) for name in _FIELDS)


def _yield_cpu() -> None:
    """Let the requests (and a local server) come first: scoring takes the CPU time they leave. SCHED_IDLE
    also makes the scheduler treat this process's core as free when it wakes one of theirs."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(10)


def _serve(conn: Connection, parents_end: Connection, items: Sequence[Item]) -> None:
    """The child: score each batch it is sent until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; the child ends on EOF
    parents_end.close()  # the fork copied it; left open here, the parent's close would never reach us as EOF
    _yield_cpu()
    while True:
        try:
            jobs: list[Job] = marshal.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            out = [(i, flatten(score(answer, lang, items[pos] if pos >= 0 else None, reasoning, prompt)))
                   for i, pos, lang, answer, reasoning, prompt in jobs]
            reply = marshal.dumps((True, out))
        except Exception as exc:  # the parent rescores the batch and meets the same error where it can report it
            reply = marshal.dumps((False, f"{type(exc).__name__}: {exc}"))
        try:
            conn.send_bytes(reply)
        except OSError:
            return


Done = Callable[[int, Labels], None]


class ScorePool:
    """One forked scorer fed from the running event loop; `done(index, labels)` runs as each batch comes back."""

    def __init__(self, conn: Connection, process: multiprocessing.process.BaseProcess,
                 loop: asyncio.AbstractEventLoop, done: Done) -> None:
        self.conn, self.process, self.loop, self.done = conn, process, loop, done
        self.scored = 0
        self.pending: list[Job] = []
        self.in_flight = 0  # answers in the batch the child is scoring
        self.broken: str | None = None  # why the child stopped being used
        self.idle = asyncio.Event()
        self.idle.set()
        loop.add_reader(conn.fileno(), self._on_reply)

    @classmethod
    def start(cls, items: Sequence[Item], done: Done) -> ScorePool | None:
        """Fork the scorer (from inside the running loop); None where `usable()` says no or fork fails."""
        if not usable():
            return None
        ctx = multiprocessing.get_context("fork")
        try:
            ours, theirs = ctx.Pipe(duplex=True)
            process = ctx.Process(target=_serve, args=(theirs, ours, items), name="upstream-scorer", daemon=True)
            process.start()
        except OSError:
            return None
        theirs.close()
        return cls(ours, process, asyncio.get_running_loop(), done)

    def add(self, job: Job) -> None:
        """Queue one answer; it goes out now when the child is idle, else with the next batch."""
        if self.broken is not None:
            return
        self.pending.append(job)
        if not self.in_flight:
            self._send()

    def _send(self) -> None:
        batch, self.pending = self.pending, []
        try:
            self.conn.send_bytes(marshal.dumps(batch))
        except OSError as exc:
            self._stop(f"the scorer process is gone ({exc})")
            return
        self.in_flight = len(batch)
        self.idle.clear()

    def _on_reply(self) -> None:
        try:
            ok, out = marshal.loads(self.conn.recv_bytes())
        except (EOFError, OSError, ValueError) as exc:
            self._stop(f"the scorer process is gone ({type(exc).__name__})")
            return
        self.in_flight = 0
        if not ok:
            self._stop(f"the scorer process failed: {out}")
            return
        for i, flat in out:
            self.done(i, Labels(*flat))
        self.scored += len(out)
        if self.pending:
            self._send()
        else:
            self.idle.set()

    def _stop(self, why: str) -> None:
        self.broken = why
        self.in_flight = 0
        self.pending = []
        self.loop.remove_reader(self.conn.fileno())
        self.idle.set()

    async def drain(self) -> None:
        """Wait until every queued answer is back (or the child has ended); the caller scores what is not."""
        await self.idle.wait()

    def close(self) -> None:
        """End the child (it exits when the pipe closes) and release the pipe."""
        if self.broken is None:
            self.loop.remove_reader(self.conn.fileno())
            self.broken = "closed"
        self.conn.close()
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
