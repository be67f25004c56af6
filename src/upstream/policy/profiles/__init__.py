"""Ready-made policies a team can start from: TOML files next to this module, read as package data."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

from upstream.errors import ConfigError
from upstream.policy.facts import closest


@lru_cache(maxsize=1)
def profile_names() -> tuple[str, ...]:
    """The built-in profiles, sorted."""
    root = resources.files(__name__)
    return tuple(sorted(e.name[:-5] for e in root.iterdir() if e.name.endswith(".toml")))


def profile_text(name: str) -> str:
    """The TOML of a profile, as a team would copy it into upstream.toml."""
    if name not in profile_names():
        raise ConfigError(f"no built-in profile {name!r}{closest(name, profile_names())}",
                          hint=f"profiles: {', '.join(profile_names())} (see 'upstream policy profiles')")
    return resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def _parsed(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(profile_text(name))
    except tomllib.TOMLDecodeError as exc:  # a packaging bug, caught by the profile tests
        raise ConfigError(f"built-in profile {name!r} is not valid TOML: {exc}") from None


def profile_data(name: str) -> dict[str, Any]:
    """The parsed profile (a fresh copy: callers may merge into it)."""
    import copy

    return copy.deepcopy(_parsed(name))
