"""Class each answer by transport before anything judges its content.

ok · provider_blocked (a content-filter error or finish_reason) · truncated (finish_reason length) ·
empty_after_reasoning (the reasoning used the budget, no answer) · infra_error (no usable response).
Only `ok` answers feed behaviour metrics, so a failure is never counted as a refusal. Reasoning is taken
from `reasoning_content` / `reasoning` fields and from `<think>…</think>` blocks in the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

TransportClass = Literal["ok", "provider_blocked", "truncated", "empty_after_reasoning", "infra_error"]
TRANSPORT_CLASSES: tuple[TransportClass, ...] = (
    "ok", "provider_blocked", "truncated", "empty_after_reasoning", "infra_error")

_FILTER_FINISH = frozenset({"content_filter", "safety", "prohibited_content", "blocklist", "spii", "sensitive"})
_POLICY = re.compile(
    r"content[_ ]?(?:filter|policy|management)|policy[_ ]violation|responsibleaipolicy|data_inspection_failed|"
    r"inappropriate content|content exists risk|considered high risk|unsafe content|sensitive|moderation|"
    r"flagged|safety (?:system|filter|policy)|敏感|不安全|违规|違規|审核|審核|不当内容|不當內容",
    re.IGNORECASE)
_THINK_BLOCK = re.compile(r"<(think|thinking)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_THINK_OPEN = re.compile(r"<(think|thinking)>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(think|thinking)>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Answer:
    """A response reduced to what scoring needs."""

    transport: TransportClass
    content: str = ""  # the visible answer, reasoning removed
    reasoning: str = ""
    finish_reason: str | None = None
    model: str | None = None  # the model id the server reported
    detail: str | None = None  # why, for anything but ok
    system_fingerprint: str | None = None


def split_reasoning(content: str) -> tuple[str, str]:
    """(answer, reasoning) from text that may hold `<think>` blocks, an unclosed one, or a bare `</think>`."""
    if "<" not in content:  # no tag at all: the common case, without three regex passes
        return content.strip(), ""
    reasoning: list[str] = []

    def take(m: re.Match[str]) -> str:
        reasoning.append(m.group(2).strip())
        return ""

    text = _THINK_BLOCK.sub(take, content)
    opened = _THINK_OPEN.search(text)
    if opened:  # unclosed: everything after it is reasoning (cut off while thinking)
        reasoning.append(text[opened.end():].strip())
        text = text[:opened.start()]
    closed = _THINK_CLOSE.search(text)
    if closed:  # the template opened <think> in the prompt: the output starts inside it
        reasoning.insert(0, text[:closed.start()].strip())
        text = text[closed.end():]
    return text.strip(), "\n".join(r for r in reasoning if r)


def _error_text(body: Any, raw: str | None) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            parts = [str(err.get(k)) for k in ("code", "type", "message") if err.get(k)]
            if parts:
                return ": ".join(parts)
        return str(err)[:300]
    return (raw or "")[:300]


def classify(status: int | None, body: Any, raw: str | None = None, error: str | None = None) -> Answer:
    """Class one exchange: HTTP status (None when no response), parsed JSON body, raw text, client error."""
    if status is None:
        return Answer("infra_error", detail=error or "no response")
    if status != 200:
        text = _error_text(body, raw)
        if status in (400, 403, 422, 451, 500) and _POLICY.search(text):
            return Answer("provider_blocked", detail=f"HTTP {status}: {text}"[:300])
        return Answer("infra_error", detail=(f"HTTP {status}: {text}" if text else f"HTTP {status}")[:300])
    if not isinstance(body, dict):
        return Answer("infra_error", detail=error or "response is not a JSON object")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        text = _error_text(body, raw)
        if "error" in body and _POLICY.search(text):
            return Answer("provider_blocked", detail=text)
        return Answer("infra_error", detail=f"no choices in the response: {text}"[:300])
    choice = choices[0]
    message: dict[str, Any] = choice["message"] if isinstance(choice.get("message"), dict) else {}
    raw_content = message.get("content")
    if isinstance(raw_content, list):  # content parts
        raw_content = "".join(str(p.get("text", "")) for p in raw_content if isinstance(p, dict))
    content, inline = split_reasoning(raw_content if isinstance(raw_content, str) else "")
    fields = [message.get(k) for k in ("reasoning_content", "reasoning")]
    reasoning = "\n".join(x.strip() for x in fields if isinstance(x, str) and x.strip())
    reasoning = "\n".join(x for x in (reasoning, inline) if x)
    finish = choice.get("finish_reason")
    finish = str(finish) if finish is not None else None
    model = body.get("model") if isinstance(body.get("model"), str) else None
    fp = body.get("system_fingerprint") if isinstance(body.get("system_fingerprint"), str) else None

    def answer(cls: TransportClass, detail: str | None = None) -> Answer:
        return Answer(cls, content, reasoning, finish, model, detail, fp)

    if finish is not None and finish.lower() in _FILTER_FINISH:
        return answer("provider_blocked", f"finish_reason {finish}")
    if not content and reasoning:
        return answer("empty_after_reasoning", f"finish_reason {finish}")
    if finish == "length":
        return answer("truncated", "finish_reason length")
    return answer("ok")
