"""Values read from a saved run document (untrusted JSON), each coerced to what the Report holds or dropped:
shared by the behaviour (`probe.attach`) and capability (`capability.attach`) readers."""

from __future__ import annotations

from typing import Any

ANSWER_CHARS = 600
"""Example answers are cut to this many characters"""
MAX_EXAMPLES = 6
ID_CHARS = 200


def text(value: Any, limit: int = ID_CHARS) -> str:
    """A string of at most `limit` characters ('' for null)."""
    return str(value)[:limit] if value is not None else ""


def number(value: Any) -> float | None:
    """A finite-looking number rounded to 4 places, or None (booleans, NaN and non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # NaN
        return None
    return round(float(value), 4)


def count(value: Any) -> int:
    """A non-negative count, 0 for anything else."""
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else 0


def cut(text_: str, limit: int = ANSWER_CHARS) -> str:
    """`text_` stripped and cut to `limit` characters, with an ellipsis where it was cut."""
    text_ = text_.strip()
    return text_ if len(text_) <= limit else text_[: limit - 1].rstrip() + "…"
