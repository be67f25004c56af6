"""One error base for everything a user can cause; anything else is a bug."""

from __future__ import annotations


class UpstreamError(Exception):
    """A problem the user can fix. `diagnostics()` says what went wrong and what to do."""

    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint or self.hint

    def diagnostics(self) -> str:
        text = f"error: {self}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class UsageError(UpstreamError):
    """Bad command-line arguments or a path that does not exist (exit status 2)."""


class ConfigError(UpstreamError):
    """An invalid configuration file or value (exit status 2)."""
