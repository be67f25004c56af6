"""Name normalisation: take a model reference apart into route, namespace, name, size and format.

Pure string work, no knowledge base: `parse("openrouter/qwen/qwen3-coder:free")` says the route is
OpenRouter, the vendor namespace `qwen`, the name `qwen3-coder`. Quantization and format suffixes
(`-GGUF`, `-AWQ`, `-Q4_K_M`, `-4bit`, `:7b-instruct-q4_K_M`) are removed and remembered, and the
namespaces of known quantizers and mirrors are flagged so the resolver can add a lineage edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from upstream.resolve.prefixes import BEDROCK_VENDORS, ROUTES, VENDOR_SLUGS

RefHub = Literal["huggingface", "ollama", "api", "file", "unknown"]

# Namespaces that publish other people's weights: quantizations, format conversions and mirrors.
QUANTIZERS = frozenset({
    "bartowski", "thebloke", "unsloth", "lmstudio-community", "mlx-community", "quantfactory", "maziyarpanahi",
    "second-state", "mradermacher", "turboderp", "lonestriker", "neuralmagic", "redhatai", "casperhansen",
    "solidrust", "gaianet", "ggml-org", "ggml", "nm-testing", "modelcloud", "qeadria", "mungert", "bullerwins",
    "dranger003", "tensorblock", "devquasar", "featherless-ai-quants", "lmstudio-ai", "onnx-community",
    "xenova", "intel", "amd", "openvino", "cstr", "hugging-quants", "prince-canuma", "systran", "city96",
    "compendiumlabs",
})
MIRRORS = frozenset({"nousresearch", "huggingfaceh4-mirror", "unsloth", "modelscope", "hf-internal-testing"})

_QUANT_TOKEN = (
    r"gguf|ggml|awq|gptq|exl2|exl3|hqq|bnb|nf4|int4|int8|fp8|fp4|mxfp4|nvfp4|w4a16|w8a8|w8a16|w4a4|i1|imatrix|"
    r"[1-8]bit|[1-8]-bit|[1-8]bpw|q[2-8](?:_k)?(?:_[msl0-9]+)?|q[2-8]_[01]|iq[1-4]_?[a-z0-9_]*|f16|f32|"
    r"4bit-dwq|dwq|dynamic|ud|marlin|g128|g32|quantized"
)
_FORMAT_TOKEN = r"mlx|onnx|openvino|ov|fp16|bf16|fp32|hf|safetensors|transformers|unsloth"
_SUFFIX_RE = re.compile(rf"(?i)[-_. ]({_QUANT_TOKEN}|{_FORMAT_TOKEN})$")
_QUANT_RE = re.compile(rf"(?i)^(?:{_QUANT_TOKEN})$")
_FILE_SUFFIXES = (".gguf", ".ggml", ".safetensors", ".bin", ".onnx", ".llamafile", ".mlmodel", ".pt", ".pth")
_SIZE_RE = re.compile(r"(?i)^(?:\d+(?:\.\d+)?[bmk]|\d+x\d+b|e\d+b|a\d+(?:\.\d+)?b)$")
_OLLAMA_QUANT_RE = re.compile(rf"(?i)(?:^|-)((?:{_QUANT_TOKEN}))$")
_HF_URL_RE = re.compile(r"(?i)^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/)([^/\s]+/[^/\s?#]+)")
_DATE_SUFFIX_RE = re.compile(r"@\d{8}$|@latest$|@001$")
_PREFIXES = ("hf://", "hf.co/", "huggingface.co/", "registry.ollama.ai/library/", "ollama.com/library/",
             "library/", "models/", "ollama.com/", "registry.ollama.ai/")
_OPENAI_FT_RE = re.compile(r"^ft:([^:]+):")
_OPENROUTER_VARIANT_RE = re.compile(r":(?:free|nitro|beta|extended|floor|online|thinking|exacto)$")


@dataclass(frozen=True, slots=True)
class ParsedRef:
    """A reference taken apart. `name` has format suffixes removed; `stem` is its lower-case form."""

    raw: str
    written: str  # the reference after route and URL prefixes are removed, before anything else
    name: str
    stem: str
    hub: RefHub = "unknown"
    route: str | None = None  # endpoint record id implied by a provider prefix ("openrouter", "bedrock")
    namespace: str | None = None  # HF org or vendor slug as written
    vendor: str | None = None  # organisation id implied by a vendor slug (OpenRouter, Bedrock, NIM)
    tag: str | None = None  # Ollama tag (after the colon), lower case
    size: str | None = None
    quant: str | None = None  # the quantization named in the reference, if any
    formats: tuple[str, ...] = field(default_factory=tuple)  # every suffix token removed
    repackager: str | None = None  # namespace of a known quantizer or mirror
    derived: str | None = None  # relation to `name` when the reference names a derivative (OpenAI ft:)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def hub_id(self) -> str | None:
        return f"{self.namespace}/{self.name}" if self.namespace else None

    @property
    def quantized(self) -> bool:
        return any(_QUANT_RE.match(f) for f in self.formats) or self.quant is not None


def strip_suffixes(name: str) -> tuple[str, tuple[str, ...]]:
    """`Qwen2.5-7B-Instruct-GPTQ-Int4` -> (`Qwen2.5-7B-Instruct`, (`Int4`, `GPTQ`))."""
    removed: list[str] = []
    for suffix in _FILE_SUFFIXES:
        if name.lower().endswith(suffix):
            removed.append(suffix[1:])
            name = name[: -len(suffix)]
            break
    while True:
        m = _SUFFIX_RE.search(name)
        if m is None or m.start() == 0:
            break
        removed.append(m.group(1))
        name = name[: m.start()]
    # "-GPTQ-Int4", "-AWQ-INT4", "quantized.w4a16" leave a bare precision or size behind
    m = re.search(r"(?i)[-_.](int[48]|w4a16|w8a8)$", name)
    if m and m.start() > 0:
        removed.append(m.group(1))
        name = name[: m.start()]
    return name.strip("-_. "), tuple(removed)


def _split_ollama_tag(tag: str) -> tuple[str | None, str | None]:
    """`7b-instruct-q4_K_M` -> (`7b`, `q4_k_m`)."""
    parts = tag.lower().split("-")
    size = next((p for p in parts if _SIZE_RE.match(p)), None)
    m = _OLLAMA_QUANT_RE.search(tag.lower())
    quant = m.group(1) if m and m.group(1) not in ("hf",) else None
    return size, quant


def _size_of(stem: str) -> str | None:
    for part in re.split(r"[-_:]", stem):
        if _SIZE_RE.match(part):
            return part.lower()
    return None


@lru_cache(maxsize=65536)
def parse(raw: str, hub: RefHub | None = None, provider: str | None = None) -> ParsedRef:
    """Take a reference apart. `hub` and `provider` are hints from the detector, when it had them."""
    value = raw.strip().strip("\"'")
    notes: list[str] = []
    route: str | None = None
    vendor: str | None = None
    m = _HF_URL_RE.match(value)
    if m:
        value, hub = m.group(1), "huggingface"
    low = value.lower() if "/" in value else ""
    for prefix in _PREFIXES if low else ():
        if low.startswith(prefix):
            value = value[len(prefix):]
            low = value.lower()
            if prefix in ("hf.co/", "huggingface.co/"):
                hub = "huggingface" if hub is None else hub
            elif "ollama" in prefix or prefix == "library/":
                hub = "ollama"
    value, route, vendor, hub = _strip_route(value, hub, provider, notes)
    value = _DATE_SUFFIX_RE.sub("", value)
    derived: str | None = None
    ft = _OPENAI_FT_RE.match(value)
    if ft:
        value, derived, hub = ft.group(1), "finetune", "api"
        notes.append("OpenAI fine-tuning job output (ft:BASE:ORG:...)")
    if route == "together" and value.lower().endswith("-turbo"):
        value = value[: -len("-turbo")]
        notes.append("Together '-Turbo' serving variant")
    written = value
    tag: str | None = None
    size: str | None = None
    quant: str | None = None
    if ":" in value and not value.endswith(":"):
        head, _, t = value.rpartition(":")
        if "/" not in t and not t.isdigit() and hub != "api":
            tag = t.lower()
            value = head
            size, quant = _split_ollama_tag(tag)
            if hub in (None, "unknown") and value.count("/") <= 1 and not re.search(r"[A-Z]", head.split("/")[-1]):
                hub = "ollama"
            elif hub in (None, "unknown"):
                hub = "huggingface"
    namespace: str | None = None
    name = value
    if "/" in value:
        namespace, _, name = value.rpartition("/")
        if "/" in namespace:
            namespace = namespace.rsplit("/", 1)[-1]
    if hub in (None, "unknown"):
        hub = "file" if name.lower().endswith(_FILE_SUFFIXES) else ("huggingface" if namespace else "api")
    name, formats = strip_suffixes(name)
    if quant is None:
        quant = next((f.lower() for f in formats if _QUANT_RE.match(f) and f.lower() not in ("gguf", "ggml")), None)
    ns_low = (namespace or "").lower()
    repackager = namespace if ns_low in QUANTIZERS or ns_low in MIRRORS else None
    if vendor is None and ns_low in VENDOR_SLUGS:
        vendor = VENDOR_SLUGS[ns_low]
    stem = name.lower()
    return ParsedRef(
        raw=raw, written=written, name=name, stem=stem, hub=hub, route=route, namespace=namespace, vendor=vendor,
        tag=tag,
        size=size or _size_of(stem), quant=quant, formats=formats, repackager=repackager, derived=derived,
        notes=tuple(notes),
    )


def _strip_route(value: str, hub: RefHub | None, provider: str | None,
                 notes: list[str]) -> tuple[str, str | None, str | None, RefHub | None]:
    """Remove provider prefixes (`openrouter/`, LiteLLM routes, Bedrock ids, Fireworks paths)."""
    route: str | None = None
    vendor: str | None = None
    low = value.lower()
    if low.startswith("accounts/") and "/models/" in low:
        route = "fireworks" if low.startswith("accounts/fireworks/") else None
        value = value.split("/models/", 1)[1]
        value = _fireworks_name(value)
        notes.append("Fireworks model path")
        return value, route, vendor, "api"
    if low.startswith("@cf/") or low.startswith("@hf/"):
        return value[4:], "cloudflare", vendor, hub
    head, sep, rest = value.partition("/")
    key = head.lower()
    if sep and rest and key in ROUTES and hub != "huggingface":
        route = ROUTES[key]
        if key == "openrouter" or route == "openrouter":
            rest = _OPENROUTER_VARIANT_RE.sub("", rest)
        if key in ("ollama", "ollama_chat"):
            hub = "ollama"
        elif key == "huggingface" or ("/" in rest and hub is None and route != "openrouter"):
            hub = "huggingface"
        else:
            hub = hub if hub not in (None, "unknown") else "api"
        if key.startswith("fireworks") or rest.lower().startswith("accounts/"):
            rest = _fireworks_name(rest.split("/models/", 1)[-1])
        value = rest
        notes.append(f"route prefix {head}/")
    bedrock = _bedrock(value)
    if bedrock is not None:
        vendor, value = bedrock
        route = route or "bedrock"
        hub = "api"
        notes.append("Bedrock model id")
    elif provider == "openrouter" and "/" in value:
        value = _OPENROUTER_VARIANT_RE.sub("", value)
    return value, route, vendor, hub


_BEDROCK_RE = re.compile(
    r"^(?:(?:us|eu|apac|global|us-gov|ca|jp|au)\.)?([a-z0-9-]+)\.([a-z0-9][a-z0-9.-]*?)(?:-v\d+(?::\d+)?)?(?::\d+)?$"
)


def _bedrock(value: str) -> tuple[str, str] | None:
    """`us.anthropic.claude-3-7-sonnet-20250219-v1:0` -> (`anthropic`, `claude-3-7-sonnet-20250219`)."""
    m = _BEDROCK_RE.match(value.lower())
    if not m or m.group(1) not in BEDROCK_VENDORS:
        return None
    name = m.group(2)
    name = re.sub(r"^(llama\d)-(\d)", r"\1.\2", name)
    name = re.sub(r"^(jamba)-(\d)-(\d)", r"\1-\2.\3", name)
    if m.group(1) == "deepseek" and not name.startswith("deepseek"):
        name = f"deepseek-{name}"
    return BEDROCK_VENDORS[m.group(1)], name


def _fireworks_name(name: str) -> str:
    """Fireworks writes versions with `p`: `llama-v3p1-8b-instruct` -> `llama-3.1-8b-instruct`."""
    name = re.sub(r"(\d)p(\d)", r"\1.\2", name)
    return re.sub(r"^llama-v(\d)", r"llama-\1", name)
