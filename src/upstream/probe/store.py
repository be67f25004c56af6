"""The on-disk answer store: every final response, keyed by the exact request, committed as it arrives.

sqlite3 in WAL mode, one commit per answer: a process killed at any moment loses nothing it already
stored, a rerun sends only what is missing, and a repeated run costs no requests. The key is the sha256
of the canonical JSON of endpoint (without credentials), model, messages, decoding parameters and the
sample index. Headers, and so API keys, are never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    request TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    seconds REAL,
    attempts INTEGER,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, created TEXT NOT NULL);
"""


def default_store_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "upstream" / "probe"


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: one text per value (the store's keys depend on it never changing)."""
    return _CANONICAL.encode(obj)


def request_key(endpoint: str, payload: dict[str, Any], sample: int) -> str:
    """sha256 of endpoint + model + messages + every other parameter + sample index."""
    doc = {"endpoint": endpoint, "model": payload.get("model"), "messages": payload.get("messages"),
           "params": {k: v for k, v in payload.items() if k not in ("model", "messages")}, "sample": sample}
    return hashlib.sha256(canonical(doc).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored exchange."""

    key: str
    status: int | None
    body: Any  # parsed JSON response, or None
    raw: str | None
    seconds: float
    attempts: int


class Store:
    """Answers under `directory/answers.sqlite3`; safe to share between processes."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / "answers.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        # Two runs opening a new store at once: switching to WAL takes a lock that the busy timeout does not
        # always wait for, so the set-up is retried for a while before giving up.
        deadline = time.monotonic() + 30
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable against a killed process, fast
                self._db.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, keys: Iterable[str]) -> dict[str, Stored]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Stored] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, status, response, seconds, attempts FROM answers WHERE key IN ({marks})", chunk)
            for key, status, response, seconds, attempts in rows:
                body: Any = None
                raw: str | None = None
                try:
                    body = json.loads(response) if response is not None else None
                except ValueError:
                    raw = response
                found[key] = Stored(key, status, body, raw, float(seconds or 0.0), int(attempts or 0))
        return found

    def put(self, key: str, endpoint: str, model: str, request: str, status: int | None, response: str | None,
            seconds: float, attempts: int) -> None:
        """Store one answer (request and response as JSON text) and commit it before returning; first one wins."""
        self._db.execute(
            "INSERT OR IGNORE INTO answers (key, endpoint, model, request, status, response, seconds, attempts, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, endpoint, model, request, status, response, seconds, attempts,
             dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))

    def get_meta(self, key: str) -> Any:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_meta(self, key: str, value: Any) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value, created) VALUES (?, ?, ?)",
                         (key, canonical(value), dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
