"""Keep secrets out of reports: API keys and tokens in evidence snippets are masked."""

from __future__ import annotations

import re

_PATTERNS = (
    re.compile(r"\b(sk-(?:proj-|ant-(?:api\d\d-)?)?)[A-Za-z0-9_-]{12,}"),
    re.compile(r"\b(gsk_|xai-|hf_|ghp_|gho_|glpat-|AIza|r8_|pplx-|nvapi-|fw_|csk-)[A-Za-z0-9_-]{12,}"),
    re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{12,}"),
    re.compile(
        r"(?i)((?:api[_-]?key|secret|token|password|passwd|access[_-]?key)[\"']?\s*[:=]\s*[\"']?)"
        r"(?!os\.|process\.|env|\$|\{|<)[^\s\"',;)]{8,}"
    ),
)


def redact(text: str) -> str:
    """`text` with anything that looks like a credential replaced by its prefix and `***`."""
    if not text:
        return text
    for pat in _PATTERNS:
        text = pat.sub(lambda m: m.group(1) + "***", text)
    return text
