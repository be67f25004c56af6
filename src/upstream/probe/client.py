"""An async OpenAI-compatible chat client on httpx: bounded concurrency, timeouts, retries, Retry-After.

The API key comes only from the caller (read from an environment variable by the CLI), lives only in
the request headers, and is scrubbed from any error text or body the client hands back. Each
concurrency slot has its own connection: a `LocalTransport` (one keep-alive connection, see
localhttp.py) for plain HTTP on this machine or network, else a small httpx client (certificates,
proxies); httpcore's pool does work proportional to its size on every request, so small pools it is.
"""

from __future__ import annotations

import asyncio
import collections
import email.utils
import ipaddress
import json
import random
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from upstream.probe.localhttp import LocalTransport, head

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529})
PER_SHARD = 8


@dataclass(frozen=True, slots=True)
class Exchange:
    """The outcome of one request after retries."""

    status: int | None  # HTTP status of the last attempt; None when no response came
    body: Any  # the parsed JSON body, or None
    raw: str | None  # the body as text when it is not JSON (capped), else None
    error: str | None  # what went wrong at the transport level, if anything
    attempts: int
    seconds: float
    text: str | None = None  # the body as received (key scrubbed), for the store


def chat_url(endpoint: str) -> str:
    """The chat-completions URL for a base URL (`http://host:8000/v1`) or a full one."""
    parts = urlsplit(endpoint.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {endpoint!r}")
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path = (path or "/v1") + "/chat/completions"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def is_local(url: str) -> bool:
    """Whether `url` points at this machine or a private network."""
    host = urlsplit(url).hostname or ""
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".internal", ".localhost")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local


def public_url(url: str) -> str:
    """`url` without user info, query or fragment: safe to write into reports and store keys."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class ChatClient:
    """POST chat completions with at most `concurrency` in flight; `chat(payload)` never raises for HTTP trouble."""

    def __init__(self, endpoint: str, *, api_key: str | None = None, key_header: str = "Authorization",
                 concurrency: int = 8, timeout: float = 120.0, retries: int = 4, backoff: float = 0.5,
                 max_backoff: float = 30.0, max_retry_after: float = 120.0, seed: int | None = None,
                 lean: bool | None = None) -> None:
        self.url = chat_url(endpoint)
        self.lean = lean  # None: the lean transport for plain HTTP on a local address, httpx's pool otherwise
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.backoff, self.max_backoff, self.max_retry_after = backoff, max_backoff, max_retry_after
        self._key = api_key or None
        self._headers = {"content-type": "application/json", "accept": "application/json"}
        if self._key:
            self._headers[key_header] = f"Bearer {self._key}" if key_header.lower() == "authorization" else self._key
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 30.0))
        self._rng = random.Random(seed)
        self._pause_until = 0.0
        self._clients: list[httpx.AsyncClient] = []
        self._lean: list[LocalTransport] = []
        self._free: list[int] | None = None  # idle slots; None outside `async with`
        self._queued: collections.deque[asyncio.Future[int]] = collections.deque()
        self._target = httpx.URL(self.url)
        self._hdrs = httpx.Headers(self._headers)
        self._ext = {"timeout": {"connect": self._timeout.connect, "read": self._timeout.read,
                                 "write": self._timeout.write, "pool": self._timeout.pool}}
        self._request = httpx.Request("POST", self._target, headers=self._hdrs)
        self._head_prefix = head(self._request, 0).rsplit(b"content-length: ", 1)[0] + b"content-length: "

    async def __aenter__(self) -> ChatClient:
        local = is_local(self.url)
        # plain http never uses TLS (and redirects are not followed): skip loading the CA bundle, ~70 ms a client
        verify: ssl.SSLContext | bool = ssl.create_default_context() if self.url.startswith("https:") else False
        if self.lean if self.lean is not None else (local and self.url.startswith("http:")):
            self._lean = [LocalTransport() for _ in range(self.concurrency)]
            # fingerprint look-ups (`get_json`) too: no TLS context to build (~50 ms for the first httpx client)
            self._clients = [httpx.AsyncClient(transport=LocalTransport(), timeout=self._timeout,
                                               follow_redirects=False, trust_env=False)]
        else:
            shards = -(-self.concurrency // PER_SHARD)
            per = -(-self.concurrency // shards)
            limits = httpx.Limits(max_connections=per, max_keepalive_connections=per)
            self._clients = [httpx.AsyncClient(limits=limits, timeout=self._timeout, verify=verify,
                                               follow_redirects=False, trust_env=not local) for _ in range(shards)]
        self._free = list(range(self.concurrency - 1, -1, -1))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(c.aclose() for c in self._clients), *(t.aclose() for t in self._lean),
                             return_exceptions=True)
        self._clients, self._lean, self._free = [], [], None

    def scrub(self, text: str) -> str:
        """`text` with the API key, if it appears, replaced by ***."""
        return text.replace(self._key, "***") if self._key and text else text

    async def _wait_pause(self) -> None:
        delay = self._pause_until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return self._rng.uniform(0, min(self.max_backoff, self.backoff * 2 ** attempt))

    async def chat(self, payload: dict[str, Any] | bytes) -> Exchange:
        """POST one request (a payload, or its JSON already encoded)."""
        assert self._free is not None, "use `async with ChatClient(...)`"
        content = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        slot = self._free.pop() if self._free else await self._wait_slot()
        try:
            return await self._send(slot, content)
        finally:
            self._release(slot)

    async def _wait_slot(self) -> int:
        turn: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queued.append(turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed a slot, then cancelled: pass it on
                self._release(turn.result())
            raise

    def _release(self, slot: int) -> None:
        while self._queued:
            turn = self._queued.popleft()
            if not turn.done():
                turn.set_result(slot)
                return
        if self._free is not None:
            self._free.append(slot)

    async def _post(self, slot: int, content: bytes) -> tuple[int, httpx.Headers | list[tuple[bytes, bytes]], bytes]:
        if self._lean:  # the fast path: pre-built head, no httpx.Request/Response objects
            data = self._head_prefix + b"%d\r\n\r\n" % len(content) + content
            return await self._lean[slot].exchange(self._request, data, self._ext["timeout"])
        resp = await self._clients[slot % len(self._clients)].post(self._target, content=content, headers=self._hdrs)
        return resp.status_code, resp.headers, resp.content

    async def _send(self, slot: int, content: bytes) -> Exchange:
        start = time.monotonic()
        status: int | None = None
        body: Any = None
        raw: str | None = None
        error: str | None = None
        text: str | None = None
        attempt = 0
        while True:
            await self._wait_pause()
            wait: float | None = None
            status, body, raw, error, text = None, None, None, None, None
            try:
                status, headers, raw_body = await self._post(slot, content)
                text = self.scrub(raw_body.decode("utf-8", errors="replace"))
                try:
                    body = json.loads(text)
                except ValueError:
                    raw, error = text[:2000], "malformed JSON in the response"
                retryable = status in RETRY_STATUS or (status == 200 and body is None)
                if status in RETRY_STATUS:
                    wait = retry_after(headers if isinstance(headers, httpx.Headers) else httpx.Headers(headers))
                    if status == 429 and wait is not None:
                        self._pause_until = max(self._pause_until, time.monotonic() + min(wait, self.max_retry_after))
            except httpx.TimeoutException as exc:
                error, retryable = f"timeout ({type(exc).__name__})", True
            except httpx.TransportError as exc:  # connection refused or reset, protocol errors
                error, retryable = self.scrub(f"{type(exc).__name__}: {exc}")[:300], True
            attempt += 1
            if not retryable or attempt > self.retries:
                break
            if wait is not None and wait > self.max_retry_after:
                error = f"Retry-After {wait:.0f}s exceeds the {self.max_retry_after:.0f}s limit"
                break
            await asyncio.sleep(wait if wait is not None else self._delay(attempt - 1))
        return Exchange(status, body, raw, error, attempt, time.monotonic() - start, text)

    async def get_json(self, url: str, method: str = "GET", payload: Any = None, timeout: float = 10.0) -> Any:
        """One best-effort request for fingerprinting (`/models`, `/props`, `/api/show`); None on any failure."""
        if not self._clients:
            return None
        try:
            resp = await self._clients[0].request(method, url, headers=self._headers, timeout=timeout,
                                                  content=None if payload is None else json.dumps(payload).encode())
            if resp.status_code != 200:
                return None
            return json.loads(self.scrub(resp.content.decode("utf-8", errors="replace")))
        except (httpx.HTTPError, ValueError):
            return None
