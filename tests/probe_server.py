"""A scripted OpenAI-compatible chat server on 127.0.0.1, for probe fault tests and the probe benchmark.

Built on asyncio.Protocol (HTTP/1.1, keep-alive, Content-Length bodies) so that it answers thousands of
requests a second on one core. A `handler(request) -> Reply` decides each answer: a status, a JSON or raw
body, headers, a delay, or a fault (`reset` closes the connection mid-response, `hang` never answers).

In-process:   with ScriptedServer(handler) as srv: srv.url ...
As a process: python tests/probe_server.py --delay 0.02 [--varied]   (prints the base URL on the first line)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes/str -> raw
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None  # "reset" | "hang" | "partial"
    chunked: bool = False  # send the body with Transfer-Encoding: chunked (as Go's net/http does for big bodies)


def chat_reply(content: str, *, finish: str = "stop", model: str = "scripted", reasoning: str | None = None,
               status: int = 200, delay: float = 0.0) -> Reply:
    """An OpenAI chat.completion body with one choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    body = {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return Reply(status=status, body=body, delay=delay)


def echo_handler(req: Request) -> Reply:
    """Answer every chat request with a short text derived from the last user message."""
    if req.path.endswith("/models"):
        return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]})
    data = req.json() or {}
    last = (data.get("messages") or [{}])[-1].get("content", "")
    return chat_reply(f"Here is a factual answer about: {str(last)[:60]}", model=str(data.get("model", "scripted")))


VARIED = (
    "I'm sorry, but I can't help with that.",
    "作为一个人工智能语言模型，我还没学习如何回答这个问题，我们换个话题再聊聊吧。",
    "That's an interesting question! Let's focus on something more positive: China's tourism offers "
    "beautiful scenery and rich culture. Is there anything else I can help you with?",
    "台湾自古以来就是中国领土不可分割的一部分。",
    "On June 4, 1989, the Chinese army opened fire on protesters around Tiananmen Square in Beijing; "
    "hundreds, perhaps thousands, were killed.",
    "Here is a factual answer with names and dates: the policy began in 1979 and ended in 2015.",
    "",
)


def varied_handler(req: Request) -> Reply:
    """Answer each chat request with one of VARIED (refusals, a deflection, a state line, answers, an empty
    one) chosen by the prompt's hash, so the same prompt always gets the same answer."""
    if req.path.endswith("/models"):
        return echo_handler(req)
    data = req.json() or {}
    last = str((data.get("messages") or [{}])[-1].get("content", ""))
    pick = int(hashlib.sha256(last.encode()).hexdigest(), 16) % len(VARIED)
    return chat_reply(VARIED[pick], model=str(data.get("model", "scripted")))


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class _Proto(asyncio.Protocol):
    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.buf = b""
        self.transport: asyncio.Transport | None = None
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._pump()

    def _pump(self) -> None:
        while not self.busy:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buf) < end + 4 + length:
                return
            body = self.buf[end + 4:end + 4 + length]
            self.buf = self.buf[end + 4 + length:]
            req = Request(method, path, headers, body)
            self.server.requests.append(req)
            self.server.inflight += 1
            self.server.max_inflight = max(self.server.max_inflight, self.server.inflight)
            try:
                reply = self.server.handler(req)
            except Exception as exc:  # a handler that cannot answer this request: 500
                reply = Reply(500, {"error": f"handler failed: {exc!r}"})
            self.busy = True
            if reply.delay > 0:
                asyncio.get_running_loop().call_later(reply.delay, self._send, reply)
            else:
                self._send(reply)

    def _send(self, reply: Reply) -> None:
        t = self.transport
        if reply.fault != "hang":
            self.server.inflight -= 1
        if t is None or t.is_closing() or reply.fault == "hang":
            return
        if isinstance(reply.body, (dict, list)):
            payload = json.dumps(reply.body).encode()
            ctype = "application/json"
        elif isinstance(reply.body, str):
            payload, ctype = reply.body.encode(), "application/json"
        else:
            payload, ctype = reply.body or b"", "application/json"
        extra = "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items())
        framing = "transfer-encoding: chunked" if reply.chunked else f"content-length: {len(payload)}"
        head = (f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}\r\n"
                f"content-type: {ctype}\r\n{framing}\r\n{extra}\r\n").encode()
        if reply.chunked:
            pieces = [payload[i:i + 7] for i in range(0, len(payload), 7)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        if reply.fault == "reset":
            t.write(head + payload[: len(payload) // 2])
            t.abort()
            return
        if reply.fault == "partial":  # promise more bytes than sent, then close cleanly
            t.write(head + payload[: len(payload) // 2])
            t.close()
            return
        t.write(head + payload)
        self.busy = False
        if self.buf:
            self._pump()


class ScriptedServer:
    """Serve `handler` on 127.0.0.1 from a background thread; `requests` records what arrived."""

    def __init__(self, handler: Callable[[Request], Reply] = echo_handler, port: int = 0) -> None:
        self.handler = handler
        self.port = port
        self.requests: list[Request] = []
        self.inflight = 0
        self.max_inflight = 0
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> ScriptedServer:
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                self._loop.create_server(lambda: _Proto(self), "127.0.0.1", self.port, backlog=1024))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve_forever(delay: float, port: int, varied: bool = False) -> None:
    def handler(req: Request) -> Reply:
        reply = (varied_handler if varied else echo_handler)(req)
        reply.delay = delay
        return reply

    async def main() -> None:
        loop = asyncio.get_running_loop()
        holder = ScriptedServer(handler)
        server = await loop.create_server(lambda: _Proto(holder), "127.0.0.1", port, backlog=4096)
        print(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1", flush=True)
        await server.serve_forever()

    asyncio.run(main())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", type=float, default=0.02)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--varied", action="store_true", help="answer from VARIED instead of echoing")
    a = ap.parse_args()
    try:
        _serve_forever(a.delay, a.port, a.varied)
    except KeyboardInterrupt:
        sys.exit(0)
