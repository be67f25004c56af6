"""Requests to model APIs written as commands: `curl`, `wget`, HTTPie/xh and PowerShell `Invoke-RestMethod`.

The URL's path says whether the request goes to a model API (Ollama's `/api/generate`, `/api/pull`...,
OpenAI-style `/v1/chat/completions`, `/v1/embeddings`, Anthropic's `/v1/messages`, ...). For those the
JSON body (`-d`, `--data-raw`, `--json`, `--post-data`, HTTPie `model=...` items, or a heredoc sent
with `-d @-`) names the model, tied to the URL's base. Gemini, Azure OpenAI and Hugging Face
Inference put the model in the URL itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from upstream.detect import Detection, ParseError
from upstream.detect.config_args import Assignment, Ctx, Tok
from upstream.detect.config_expand import expand, relocate, unresolved
from upstream.detect.config_keys import model_detection, plausible_model
from upstream.detect.config_tree import Map, Node, Scalar, load_json
from upstream.detect.identifiers import is_hf_id, is_plausible
from upstream.evidence import EvidenceKind, Hub

_OLLAMA_RE = re.compile(r"^(?P<base>.*?)/api/(?P<ep>generate|chat|embed|embeddings|pull|show|create|push|copy)/?$")
_OPENAI_RE = re.compile(
    r"^(?P<base>.*?)/(?P<ep>chat/completions|completions|embeddings|messages|responses|rerank|moderations|"
    r"audio/(?:transcriptions|translations|speech)|images/(?:generations|edits))/?$"
)
_GEMINI_RE = re.compile(
    r"^(?P<base>.*?)/models/(?P<model>[\w.-]+):(?:generateContent|streamGenerateContent|embedContent|"
    r"batchEmbedContents|countTokens|predict)\b"
)
_AZURE_RE = re.compile(r"^(?P<base>.*?/openai)/deployments/(?P<model>[\w.-]+)/")
_HF_INFERENCE_RE = re.compile(
    r"^(?P<base>https?://(?:api-inference\.huggingface\.co|router\.huggingface\.co/hf-inference))/models/"
    r"(?P<model>[\w.-]+/[\w.-]+)"
)
_CURL_DATA = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"})
_CURL_FORM = frozenset({"-F", "--form", "--form-string"})
_CURL_VALUE_OPTS = frozenset({
    "-H", "--header", "-X", "--request", "-o", "--output", "-u", "--user", "-A", "--user-agent", "-e",
    "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-m", "--max-time", "--connect-timeout", "-w",
    "--write-out", "-x", "--proxy", "--retry", "--retry-delay", "--retry-max-time", "-T", "--upload-file",
    "--cacert", "--cert", "--key", "-K", "--config", "--resolve", "--limit-rate", "-r", "--range", "-E",
    "-U", "--proxy-user", "-C", "--continue-at", "--unix-socket", "--aws-sigv4", "--oauth2-bearer",
    "--max-filesize", "--interface", "--dns-servers", "--local-port", "--proto", "--data-urlencode",
    "--url-query", "-Y", "-y", "-z", "--output-dir", "--variable", "--expand-data", "--expand-url",
})
_WGET_DATA = ("--post-data", "--body-data")
_HTTPIE_VALUE_OPTS = frozenset({"-a", "--auth", "-A", "--auth-type", "-o", "--output", "--session",
                                "--session-read-only", "--verify", "--cert", "--cert-key", "--proxy", "--timeout",
                                "-p", "--print", "--pretty", "-s", "--style", "--format-options", "--max-redirects"})


@dataclass(frozen=True, slots=True)
class _Api:
    kind: str  # "ollama", "openai" (any OpenAI/Anthropic-style API), or "url" (the model is in the URL)
    endpoint: str  # the path's API name (`pull`, `chat/completions`)
    base_url: str | None
    model: str | None = None  # from the URL itself
    provider: str | None = None
    hub: Hub | None = None


def _api(url: str) -> _Api | None:
    """What model API a URL calls, if any."""
    u = url.strip().split("?", 1)[0].split("#", 1)[0]
    if u.startswith(":"):  # HTTPie's shorthand for localhost
        u = "http://localhost" + u
    in_url: tuple[tuple[re.Pattern[str], str, Hub], ...] = (
        (_GEMINI_RE, "google-genai", "api"), (_AZURE_RE, "azure-openai", "api"),
        (_HF_INFERENCE_RE, "hf-inference", "huggingface"))
    for rx, provider, hub in in_url:
        m = rx.match(u)
        if m:
            return _Api("url", "", _base(m.group("base")), m.group("model"), provider, hub)
    m = _OLLAMA_RE.match(u)
    if m:
        return _Api("ollama", m.group("ep"), _base(m.group("base")), provider="ollama", hub="ollama")
    m = _OPENAI_RE.match(u)
    if m and (m.group("ep") == "chat/completions" or re.search(r"/v\d[\w.-]*$", m.group("base"))):
        base = _base(m.group("base"))
        ollama = bool(base and re.search(r"(?:://|\.)ollama\b|:11434\b", base))  # Ollama's OpenAI-compatible API
        return _Api("openai", m.group("ep"), base, hub="ollama" if ollama else None)
    return None


def _base(base: str) -> str | None:
    if not base or unresolved(base):
        return None
    return base if "://" in base else "http://" + base


# --------------------------------------------------------------------------- reading the command


@dataclass(slots=True)
class _Request:
    urls: list[Tok]
    bodies: list[Tok]  # JSON text (quotes removed)
    items: list[tuple[str, Tok]]  # `key=value` form fields and HTTPie items


def _curl(args: Sequence[Tok]) -> _Request:
    req = _Request([], [], [])
    i = 0
    while i < len(args):
        t = args[i]
        text = t.text
        nxt = args[i + 1] if i + 1 < len(args) else None
        opt, eq, inline = text.partition("=") if text.startswith("--") else (text, "", "")
        if opt in _CURL_DATA or opt in _CURL_FORM or opt == "--url" or opt in _CURL_VALUE_OPTS:
            value = Tok(inline, t.line) if eq else nxt
            if value is not None:
                if opt in _CURL_DATA:
                    req.bodies.append(value)
                elif opt in _CURL_FORM:
                    _item(req, value)
                elif opt == "--url":
                    req.urls.append(value)
            i += 1 if eq else 2
            continue
        if len(text) > 2 and text[0] == "-" and text[1] in "dF":  # -d'{...}', -Fmodel=x
            if text[1] == "d":
                req.bodies.append(Tok(text[2:], t.line))
            else:
                _item(req, Tok(text[2:], t.line))
        elif not text.startswith("-"):
            req.urls.append(t)  # curl's positional arguments are URLs
        i += 1
    return req


def _wget(args: Sequence[Tok]) -> _Request:
    req = _Request([], [], [])
    for i, t in enumerate(args):
        opt, eq, inline = t.text.partition("=")
        if opt in _WGET_DATA:
            value = Tok(inline, t.line) if eq else (args[i + 1] if i + 1 < len(args) else None)
            if value is not None:
                req.bodies.append(value)
        elif not t.text.startswith("-"):
            req.urls.append(t)
    return req


def _httpie(args: Sequence[Tok]) -> _Request:
    req = _Request([], [], [])
    i = 0
    while i < len(args):
        t = args[i]
        if t.text.startswith("-"):
            i += 2 if t.text in _HTTPIE_VALUE_OPTS else 1
            continue
        if not req.urls:
            if re.fullmatch(r"[A-Z]+", t.text):  # the method
                i += 1
                continue
            req.urls.append(t)
        elif re.match(r"^[\w.-]+:?=(?!=)", t.text):  # `model=x`, `options:={...}` (not `q==x`, a query)
            _item(req, t)
        i += 1
    return req


def _item(req: _Request, tok: Tok) -> None:
    key, sep, value = tok.text.partition("=")
    if sep:
        req.items.append((key.rstrip(":"), Tok(value.strip("\"'"), tok.line)))


def _powershell(args: Sequence[Tok]) -> _Request:
    """`Invoke-RestMethod -Uri URL -Method Post -Body '{...}'` (the URL may also come first, unnamed)."""
    req = _Request([], [], [])
    i = 0
    while i < len(args):
        t = args[i]
        low = t.text.lower()
        nxt = args[i + 1] if i + 1 < len(args) else None
        if low.startswith("-") and nxt is not None:
            if low in ("-uri", "-url"):
                req.urls.append(nxt)
            elif low == "-body":
                req.bodies.append(nxt)
            i += 2
            continue
        if not low.startswith("-") and not req.urls:
            req.urls.append(t)
        i += 1
    return req


POWERSHELL_COMMANDS = frozenset({"invoke-restmethod", "invoke-webrequest", "irm", "iwr"})


def _request(name: str, args: Sequence[Tok]) -> _Request:
    if name in POWERSHELL_COMMANDS:
        return _powershell(args)
    if name == "wget":
        return _wget(args)
    if name in ("http", "https", "xh", "xhs"):
        return _httpie(args)
    return _curl(args)


# --------------------------------------------------------------------------- reporting


_KEYS = {"pull": ("model", "name"), "show": ("model", "name"), "push": ("model", "name"), "copy": ("source",),
         "create": ("from",)}
_MODELFILE_FROM_RE = re.compile(r"(?im)^\s*FROM\s+(\S+)")


def _keys(api: _Api) -> tuple[str, ...]:
    return _KEYS.get(api.endpoint, ("model",)) if api.kind == "ollama" else ("model",)


def _accept(api: _Api, value: str) -> bool:
    if not value or unresolved(value):
        return False
    if api.kind == "ollama":
        return is_plausible(value, "strong")
    return plausible_model(value, generic=False, ai_context=True)


def _detection(api: _Api, value: str, line: int, snippet: str, kind: EvidenceKind, detector: str,
               note: str) -> Detection:
    return model_detection(value, line, kind=kind, detector=detector, snippet=snippet, provider=api.provider,
                           base_url=api.base_url, hub=api.hub, confidence="high", note=note,
                           route=api.kind == "openai")


def _from_json(api: _Api, root: Node, lines: Sequence[str], kind: EvidenceKind, detector: str) -> list[Detection]:
    if not isinstance(root, Map):
        return []
    out: list[Detection] = []
    note = f"request body of {api.endpoint or 'a model API'}"
    for key in _keys(api):
        node = root.get(key)
        if isinstance(node, Scalar) and node.tag == "str" and _accept(api, node.value.strip()):
            out.append(_detection(api, node.value.strip(), node.line, _snip(lines, node.line), kind, detector, note))
            break
    modelfile = root.get("modelfile")
    if api.endpoint == "create" and isinstance(modelfile, Scalar):
        m = _MODELFILE_FROM_RE.search(modelfile.value)
        if m and _accept(api, m.group(1)):
            out.append(_detection(api, m.group(1), modelfile.line, _snip(lines, modelfile.line), kind, detector,
                                  "FROM of the Modelfile sent to /api/create"))
    return out


def _snip(lines: Sequence[str], n: int) -> str:
    return lines[n - 1] if 0 < n <= len(lines) else ""


def _parse_body(api: _Api, tok: Tok, variables: Mapping[str, Assignment], lines: Sequence[str],
                kind: EvidenceKind, detector: str) -> list[Detection]:
    text = tok.text.strip()
    if not text.startswith(("{", "[")):
        return []
    ex = expand(text, variables, "json", tok.line)
    try:
        root = load_json("\n" * (tok.line - 1) + ex.text)
    except (ParseError, RecursionError):
        return []
    return relocate(_from_json(api, root, lines, kind, detector), ex, lines, "this request")


def read_http(ctx: Ctx, name: str, args: Sequence[Tok]) -> None:
    """Models named by a curl/wget/HTTPie request to a model API (see the module docstring)."""
    req = _request(name, args)
    for url_tok in req.urls[:4]:
        url = expand(url_tok.text, ctx.variables, "raw").text
        api = _api(url)
        if api is None:
            continue
        lines = ctx.lines if ctx.lines is not None else [""] * (url_tok.line - 1) + [ctx.snippet]
        if api.model:
            if api.kind == "url" and (api.provider != "hf-inference" or is_hf_id(api.model)) and _accept(
                    _Api("openai", "", None), api.model):
                ctx.out.append(_detection(api, api.model, url_tok.line, ctx.snip(url_tok.line), ctx.kind,
                                          ctx.detector, "model named in the request URL"))
            continue
        for body in req.bodies:
            ctx.out.extend(_parse_body(api, body, ctx.variables, lines, ctx.kind, ctx.detector))
        items = {k: v for k, v in req.items}
        for key in _keys(api):
            tok = items.get(key)
            if tok is not None:
                value = expand(tok.text, ctx.variables, "raw").text.strip()
                if _accept(api, value):
                    ctx.out.append(_detection(api, value, tok.line, ctx.snip(tok.line), ctx.kind, ctx.detector,
                                              f"request field of {api.endpoint}"))
                    break


def request_body(words: Sequence[str], text: str, *, kind: EvidenceKind, detector: str, lines: Sequence[str],
                 variables: Mapping[str, Assignment]) -> list[Detection]:
    """A request body sent from stdin (`curl -d @- URL <<EOF`); `text` is already expanded and padded."""
    cmd = list(words)
    start = next((k for k, w in enumerate(cmd) if w.rsplit("/", 1)[-1] in ("curl", "http", "https", "xh", "wget")),
                 None)
    if start is None:
        return []
    name = cmd[start].rsplit("/", 1)[-1]
    req = _request(name, [Tok(w, 0) for w in cmd[start + 1:] if w not in ("<<",)])
    for url_tok in req.urls[:4]:
        api = _api(expand(url_tok.text, variables, "raw").text)
        if api is None or api.model:
            continue
        try:
            root = load_json(text)
        except (ParseError, RecursionError):
            return []
        return _from_json(api, root, lines, kind, detector)
    return []
