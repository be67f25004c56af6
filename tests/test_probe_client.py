"""The probe's HTTP client against a scripted local server: retries, Retry-After, timeouts, resets, garbage."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable

import httpx
import pytest
from probe_server import Reply, Request, ScriptedServer, chat_reply

from upstream.probe.client import ChatClient, Exchange, chat_url, public_url, retry_after
from upstream.probe.localhttp import LocalTransport
from upstream.probe.transport import classify

PAYLOAD = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def scripted(*replies: Reply) -> Callable[[Request], Reply]:
    """Answer the n-th chat request with replies[n] (the last one repeats)."""
    seen = [0]

    def handler(req: Request) -> Reply:
        i = min(seen[0], len(replies) - 1)
        seen[0] += 1
        return replies[i]

    return handler


@pytest.fixture(params=[True, False], ids=["lean-transport", "httpx-pool"], autouse=True)
def transport(request: pytest.FixtureRequest) -> bool:
    """Every test runs over both connection paths: the local lean transport and httpx's own pool."""
    LEAN[0] = request.param
    return bool(request.param)


LEAN = [True]


def call(url: str, n: int = 1, **kw: object) -> list[Exchange]:
    async def go() -> list[Exchange]:
        async with ChatClient(url, backoff=0.01, lean=LEAN[0], **kw) as client:  # type: ignore[arg-type]
            return list(await asyncio.gather(*(client.chat(PAYLOAD) for _ in range(n))))
    return asyncio.run(go())


def test_429_waits_for_retry_after_then_succeeds() -> None:
    with ScriptedServer(scripted(Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "1"}),
                                 chat_reply("fine"))) as srv:
        start = time.monotonic()
        [ex] = call(srv.url)
        took = time.monotonic() - start
    assert classify(ex.status, ex.body).transport == "ok"
    assert ex.attempts == 2
    assert took >= 0.95, "Retry-After: 1 must be honoured"


def test_retry_after_ms_and_http_date() -> None:
    assert retry_after(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert retry_after(httpx.Headers({"retry-after": "3"})) == 3.0
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= (retry_after(httpx.Headers({"retry-after": when})) or 0) <= 31
    assert retry_after(httpx.Headers({"retry-after": "soon"})) is None


def test_retry_after_beyond_the_limit_gives_up() -> None:
    with ScriptedServer(scripted(Reply(429, {"error": "busy"}, {"retry-after": "3600"}))) as srv:
        [ex] = call(srv.url, max_retry_after=5)
        assert len(srv.chat_requests()) == 1
    assert ex.status == 429 and "exceeds" in (ex.error or "")
    assert classify(ex.status, ex.body, ex.raw, ex.error).transport == "infra_error"


def test_500s_are_retried_with_backoff() -> None:
    with ScriptedServer(scripted(Reply(500, {"error": "boom"}), Reply(502, b"bad gateway"),
                                 chat_reply("ok now"))) as srv:
        [ex] = call(srv.url)
        assert len(srv.chat_requests()) == 3
    assert ex.attempts == 3 and classify(ex.status, ex.body).content == "ok now"


def test_persistent_503_ends_as_infra_error_not_a_refusal() -> None:
    with ScriptedServer(scripted(Reply(503, {"error": "overloaded"}))) as srv:
        [ex] = call(srv.url, retries=2)
        assert len(srv.chat_requests()) == 3
    answer = classify(ex.status, ex.body, ex.raw, ex.error)
    assert answer.transport == "infra_error" and "503" in (answer.detail or "")


def test_timeout_is_retried() -> None:
    with ScriptedServer(scripted(Reply(fault="hang"), chat_reply("late but fine"))) as srv:
        [ex] = call(srv.url, timeout=0.3)
    assert ex.attempts == 2 and classify(ex.status, ex.body).content == "late but fine"


def test_persistent_timeout_is_infra_error() -> None:
    with ScriptedServer(scripted(Reply(fault="hang"))) as srv:
        [ex] = call(srv.url, timeout=0.2, retries=1)
    assert ex.status is None and "timeout" in (ex.error or "")
    assert classify(ex.status, ex.body, ex.raw, ex.error).transport == "infra_error"


def test_malformed_json_is_retried_then_reported() -> None:
    with ScriptedServer(scripted(Reply(200, b'{"choices": [ {"message": '), chat_reply("recovered"))) as srv:
        [ex] = call(srv.url)
    assert ex.attempts == 2 and classify(ex.status, ex.body).content == "recovered"
    with ScriptedServer(scripted(Reply(200, b"<html>gateway</html>"))) as srv:
        [ex] = call(srv.url, retries=1)
    answer = classify(ex.status, ex.body, ex.raw, ex.error)
    assert answer.transport == "infra_error" and ex.error == "malformed JSON in the response"


@pytest.mark.parametrize("fault", ["reset", "partial"])
def test_connection_cut_mid_response_is_retried(fault: str) -> None:
    with ScriptedServer(scripted(Reply(200, chat_reply("x" * 500).body, fault=fault),
                                 chat_reply("second try"))) as srv:
        [ex] = call(srv.url)
    assert ex.attempts == 2 and classify(ex.status, ex.body).content == "second try"


def test_connection_refused_is_infra_error() -> None:
    with ScriptedServer() as srv:
        url = srv.url
    [ex] = call(url, retries=1)
    assert ex.status is None and classify(ex.status, ex.body, ex.raw, ex.error).transport == "infra_error"


def test_content_policy_400_is_provider_blocked_and_not_retried() -> None:
    body = {"error": {"code": "data_inspection_failed", "message": "Input data may contain inappropriate content."}}
    with ScriptedServer(scripted(Reply(400, body))) as srv:
        [ex] = call(srv.url)
        assert len(srv.chat_requests()) == 1
    assert classify(ex.status, ex.body).transport == "provider_blocked"


def test_401_is_not_retried() -> None:
    with ScriptedServer(scripted(Reply(401, {"error": {"message": "invalid key"}}))) as srv:
        [ex] = call(srv.url)
        assert len(srv.chat_requests()) == 1
    assert classify(ex.status, ex.body).transport == "infra_error"


def test_concurrency_is_bounded() -> None:
    def slow(req: Request) -> Reply:
        return chat_reply("ok", delay=0.05)

    with ScriptedServer(slow) as srv:
        exs = call(srv.url, n=40, concurrency=5)
        assert srv.max_inflight <= 5
        assert srv.max_inflight >= 3, "requests should overlap"
    assert all(e.status == 200 for e in exs)


def test_api_key_is_sent_but_scrubbed_from_everything_returned() -> None:
    secret = "sk-test-DO-NOT-LEAK-1234567890"

    def echo_auth(req: Request) -> Reply:
        auth = req.headers.get("authorization", "")
        if len(echo_auth.calls) == 0:  # type: ignore[attr-defined]
            echo_auth.calls.append(1)  # type: ignore[attr-defined]
            return Reply(500, f"upstream said: bad key {auth}".encode())
        return chat_reply(f"your header was {auth}")

    echo_auth.calls = []  # type: ignore[attr-defined]
    with ScriptedServer(echo_auth) as srv:
        [ex] = call(srv.url, api_key=secret)
        assert srv.chat_requests()[0].headers["authorization"] == f"Bearer {secret}"
    assert secret not in repr(ex)
    assert "***" in classify(ex.status, ex.body).content


def test_urls() -> None:
    assert chat_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1/chat/completions"
    assert chat_url("http://127.0.0.1:8000/v1/chat/completions/") == "http://127.0.0.1:8000/v1/chat/completions"
    assert chat_url("http://localhost:11434") == "http://localhost:11434/v1/chat/completions"
    assert public_url("https://user:pw@host.example:8443/v1/chat/completions?key=abc") == \
        "https://host.example:8443/v1/chat/completions"
    with pytest.raises(ValueError):
        chat_url("ftp://example.com")


def test_chunked_responses_and_the_plain_httpx_interface() -> None:
    reply = chat_reply("a chunked answer " * 20)
    reply.chunked = True
    with ScriptedServer(scripted(reply)) as srv:
        [ex] = call(srv.url)
        assert classify(ex.status, ex.body).content.startswith("a chunked answer")

        async def via_httpx() -> httpx.Response:
            async with httpx.AsyncClient(transport=LocalTransport()) as client:
                return await client.post(srv.url + "/chat/completions", json=PAYLOAD)

        resp = asyncio.run(via_httpx())
    assert resp.status_code == 200 and resp.json()["choices"][0]["message"]["content"].startswith("a chunked")
