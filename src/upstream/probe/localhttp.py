"""A lean httpx transport for plain-HTTP endpoints on this machine or its network (llama.cpp, vLLM, Ollama).

httpcore's pool costs about a millisecond of CPU per request (it re-checks every pooled connection on
every request); against a local server answering in 20 ms at concurrency 64 that, not the network, sets
the pace. This transport owns exactly one keep-alive connection (the client gives each concurrency slot
its own), built on an asyncio Protocol, and speaks just the HTTP/1.1 a JSON API needs: Content-Length,
chunked or close-delimited bodies, keep-alive unless the server says close. It raises httpx's exceptions,
so the client treats it like any other transport. Remote and TLS endpoints keep httpx's own transport.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

MAX_HEAD = 64 << 10
MAX_BODY = 64 << 20
Result = tuple[int, list[tuple[bytes, bytes]], bytes]
Parsed = tuple[Result, int, bool]  # the response, its length in bytes, whether the connection stays open


class _Malformed(Exception):
    pass


class _Conn(asyncio.Protocol):
    """One connection; `waiter` gets the next complete response, or an exception when the connection ends."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiter: asyncio.Future[Result] | None = None
        self.closed = False
        self.received = False  # any byte of the current response
        self.keep = True  # whether the last response left the connection open

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self.received = True
        if self.waiter is not None and not self.waiter.done():
            try:
                result = _parse(self.buf, eof=False)
            except _Malformed as exc:
                self.waiter.set_exception(exc)
                return
            if result is not None:
                self.keep = result[2]
                self.waiter.set_result(result[0])
                del self.buf[:result[1]]

    def eof_received(self) -> bool:
        self._end(eof=True)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._end(eof=exc is None, error=exc)

    def _end(self, eof: bool, error: Exception | None = None) -> None:
        self.closed = True
        if self.waiter is None or self.waiter.done():
            return
        if eof:
            try:
                result = _parse(self.buf, eof=True)
            except _Malformed as exc:
                self.waiter.set_exception(exc)
                return
            if result is not None:
                self.keep = False
                self.waiter.set_result(result[0])
                return
        self.waiter.set_exception(error or ConnectionResetError("connection closed before the response ended"))


class LocalTransport(httpx.AsyncBaseTransport):
    """One HTTP/1.1 keep-alive connection to one origin; requests on it run one at a time."""

    def __init__(self) -> None:
        self._conn: _Conn | None = None
        self._origin: tuple[bytes, int | None] | None = None
        self._lock: asyncio.Lock | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """httpx's interface (one request at a time; the client's own slots call `exchange` directly)."""
        body = await request.aread()
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            status, headers, content = await self.exchange(request, head(request, len(body)) + body,
                                                           request.extensions.get("timeout") or {})
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def exchange(self, request: httpx.Request, data: bytes, timeouts: dict[str, Any]) -> Result:
        """Send `data` (head and body, see `head`) and return (status, headers, body): the client's fast path,
        without an httpx.Response per request. `request` names the origin and goes into any exception."""
        for attempt in (0, 1):
            reused = self._conn is not None and not self._conn.closed
            conn = await self._connect(request, timeouts.get("connect"))
            try:
                return await self._exchange(conn, data, timeouts.get("read"))
            except TimeoutError:
                self._drop()
                raise httpx.ReadTimeout("read timed out", request=request) from None
            except _Malformed as exc:
                self._drop()
                raise httpx.RemoteProtocolError(f"malformed response: {exc}", request=request) from None
            except (ConnectionError, OSError) as exc:
                dropped = reused and not conn.received and attempt == 0  # the server closed an idle connection
                self._drop()
                if not dropped:
                    raise httpx.ReadError(f"{type(exc).__name__}: {exc}", request=request) from None
        raise AssertionError("unreachable")

    async def _connect(self, request: httpx.Request, timeout: float | None) -> _Conn:
        url = request.url
        origin = (url.raw_host, url.port)
        if self._conn is not None and not self._conn.closed and origin == self._origin:
            return self._conn
        self._drop()
        self._origin = origin
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(_Conn, url.host, url.port or 80)
        except TimeoutError:
            raise httpx.ConnectTimeout("connect timed out", request=request) from None
        except OSError as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        self._conn = conn
        return conn

    @staticmethod
    async def _exchange(conn: _Conn, data: bytes, timeout: float | None) -> Result:
        assert conn.transport is not None
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Result] = loop.create_future()
        conn.waiter, conn.received = waiter, False
        conn.transport.write(data)
        # a plain timer on the future: asyncio.timeout's task cancel and uncancel cost more than the rest here
        timer = None if timeout is None else loop.call_at(loop.time() + timeout, _expire, waiter)
        try:
            result = await waiter
        finally:
            if timer is not None:
                timer.cancel()
        conn.waiter = None
        if not conn.keep:
            conn.closed = True
            conn.transport.close()
        return result

    def _drop(self) -> None:
        if self._conn is not None:
            if self._conn.transport is not None:
                self._conn.transport.abort()
            self._conn = None

    async def aclose(self) -> None:
        self._drop()


def _expire(waiter: asyncio.Future[Result]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


def head(request: httpx.Request, length: int) -> bytes:
    """The request line and headers of `request` for a body of `length` bytes."""
    lines = [b"%s %s HTTP/1.1" % (request.method.encode(), request.url.raw_path), b"host: " + request.url.netloc]
    lines += [k + b": " + v for k, v in request.headers.raw
              if k.lower() not in (b"host", b"content-length", b"transfer-encoding", b"connection")]
    lines.append(b"content-length: %d" % length)
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _parse(buf: bytearray, eof: bool) -> Parsed | None:
    """A complete response at the start of `buf`, its length in bytes and whether the connection stays open
    (framed by Content-Length or chunks, and no `Connection: close`); None when more is needed."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if len(buf) > MAX_HEAD:
            raise _Malformed("response head too large")
        return None
    lines = bytes(buf[:end]).split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise _Malformed(f"not an HTTP/1.x status line: {lines[0][:60]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            raise _Malformed("header line without a colon")
        headers.append((name.strip(), value.strip()))
    status, start = int(parts[1]), end + 4
    fields = {k.lower(): v for k, v in headers}
    chunked = b"chunked" in fields.get(b"transfer-encoding", b"").lower()
    keep = (chunked or b"content-length" in fields) and b"close" not in fields.get(b"connection", b"").lower()
    if status in (204, 304) or 100 <= status < 200:
        return (status, headers, b""), start, keep
    if chunked:
        found = _chunked(buf, start, status, headers)
        return None if found is None else (found[0], found[1], keep)
    if b"content-length" in fields:
        try:
            n = int(fields[b"content-length"])
        except ValueError:
            raise _Malformed("bad content-length") from None
        if n > MAX_BODY:
            raise _Malformed("response body too large")
        if len(buf) - start < n:
            return None
        return (status, headers, bytes(buf[start:start + n])), start + n, keep
    if not eof:  # close-delimited: complete only at the end of the connection
        if len(buf) - start > MAX_BODY:
            raise _Malformed("response body too large")
        return None
    return (status, headers, bytes(buf[start:])), len(buf), False


def _chunked(buf: bytearray, pos: int, status: int, headers: list[tuple[bytes, bytes]]) -> tuple[Result, int] | None:
    chunks: list[bytes] = []
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        try:
            n = int(bytes(buf[pos:eol]).split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _Malformed("bad chunk size") from None
        if n == 0:
            end = buf.find(b"\r\n\r\n", eol)  # end of (possibly empty) trailers
            if end < 0:
                return None
            return (status, headers, b"".join(chunks)), end + 4
        if len(buf) < eol + 2 + n + 2:
            return None
        chunks.append(bytes(buf[eol + 2:eol + 2 + n]))
        pos = eol + 2 + n + 2
        if pos > MAX_BODY:
            raise _Malformed("response body too large")
