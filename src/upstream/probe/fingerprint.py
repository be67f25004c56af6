"""The run fingerprint: exactly what was measured, so two reports can be told apart or compared.

Asks the endpoint what it will say about itself: `GET /models` (OpenAI-compatible servers), and on a
local or private address also llama.cpp's `GET /props` (chat template, model path) and Ollama's
`POST /api/show` and `GET /api/tags` (template, digest). Nothing is asked that could change state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from upstream import __version__
from upstream.probe.client import ChatClient, is_local, public_url
from upstream.probe.results import Fingerprint
from upstream.probe.scoring import SCORER_VERSION
from upstream.probe.suite import Suite


def _sha(text: str | None) -> str | None:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest() if text else None


def _root(chat_url: str) -> str:
    parts = urlsplit(chat_url)
    path = parts.path
    for tail in ("/v1/chat/completions", "/chat/completions"):
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _plain(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, size-bounded copy of a server's self-description."""
    if depth > 3:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in list(value.items())[:40]}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value[:20]]
    if isinstance(value, str):
        return value[:500]
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)[:200]


async def probe_endpoint(client: ChatClient, model: str) -> dict[str, Any]:
    """What the endpoint reports about the model: info from /models, digest and chat template when local."""
    root = _root(client.url)
    found: dict[str, Any] = {"model_info": {}, "digest": None, "template": None, "template_source": None}
    listing = await client.get_json(client.url.rsplit("/chat/completions", 1)[0] + "/models")
    if isinstance(listing, dict) and isinstance(listing.get("data"), list):
        for entry in listing["data"]:
            if isinstance(entry, dict) and entry.get("id") == model:
                found["model_info"] = _plain(entry)
    if not is_local(client.url):
        return found
    props = await client.get_json(root + "/props")
    if isinstance(props, dict) and isinstance(props.get("chat_template"), str):
        found["template"], found["template_source"] = props["chat_template"], "llama.cpp /props"
        if isinstance(props.get("model_path"), str):
            found["model_info"].setdefault("model_path", props["model_path"][:300])
    show = await client.get_json(root + "/api/show", method="POST", payload={"model": model})
    if isinstance(show, dict) and isinstance(show.get("template"), str):
        found["template"], found["template_source"] = show["template"], "ollama /api/show"
    tags = await client.get_json(root + "/api/tags")
    if isinstance(tags, dict) and isinstance(tags.get("models"), list):
        for entry in tags["models"]:
            if isinstance(entry, dict) and model in (entry.get("name"), entry.get("model")):
                digest = entry.get("digest")
                found["digest"] = f"sha256:{digest}" if isinstance(digest, str) and ":" not in digest else digest
    return found


def build(endpoint: str, model: str, suite: Suite, *, params: dict[str, Any], samples: int, languages: list[str],
          system_prompt: str | None, served: list[str], system_fingerprints: list[str],
          found: dict[str, Any]) -> Fingerprint:
    return Fingerprint(
        endpoint=public_url(endpoint), local=is_local(endpoint), model=model, served_models=sorted(set(served)),
        model_info=found.get("model_info") or {}, digest=found.get("digest"),
        chat_template_sha256=_sha(found.get("template")), chat_template_source=found.get("template_source"),
        system_prompt=system_prompt, system_prompt_sha256=_sha(system_prompt), params=dict(sorted(params.items())),
        samples=samples, languages=languages, suite=suite.id, suite_version=suite.version, suite_hash=suite.hash,
        scorer_version=SCORER_VERSION, system_fingerprints=sorted(set(system_fingerprints)),
        date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), tool_version=__version__,
    )
