"""Scan settings: flags over `UPSTREAM_*` environment variables over defaults, frozen once built."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from upstream.errors import ConfigError

DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that decides what a scan reads and how."""

    root: str
    include_vendored: bool = False
    use_gitignore: bool = True
    follow_symlinks: bool = True
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    jobs: int = 0  # 0: one worker per core
    detectors: tuple[str, ...] = field(default_factory=tuple)  # empty: all
    resolve: bool = True  # attach provenance from the embedded knowledge base
    online: bool = False  # also ask the Hugging Face Hub for what the knowledge base lacks
    policy: str | None = None  # --policy FILE
    profile: str | None = None  # --profile NAME
    use_policy: bool = True  # --no-policy: ignore upstream.toml / [tool.upstream]

    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else max(1, os.cpu_count() or 1)

    def audit(self) -> dict[str, str | int | bool | list[str]]:
        """The effective settings, for the report's audit trail."""
        d = {k: v for k, v in asdict(self).items() if v is not None}
        d["detectors"] = list(self.detectors)
        d.pop("root")
        d["jobs"] = self.effective_jobs()
        return d


def _env_bool(env: Mapping[str, str], key: str) -> bool | None:
    v = env.get(key)
    if v is None:
        return None
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{key}={v!r} is not a boolean", hint="use 1/0, true/false, yes/no")


def _env_int(env: Mapping[str, str], key: str) -> int | None:
    v = env.get(key)
    if v is None:
        return None
    try:
        return int(v)
    except ValueError:
        raise ConfigError(f"{key}={v!r} is not an integer") from None


def scan_config(root: str, flags: Mapping[str, object], env: Mapping[str, str] | None = None) -> ScanConfig:
    """Build the frozen config: explicit flags win, then UPSTREAM_* variables, then defaults."""
    env = os.environ if env is None else env
    values: dict[str, object] = {"root": root}
    from_env: dict[str, object | None] = {
        "include_vendored": _env_bool(env, "UPSTREAM_INCLUDE_VENDORED"),
        "use_gitignore": _env_bool(env, "UPSTREAM_GITIGNORE"),
        "max_file_size": _env_int(env, "UPSTREAM_MAX_FILE_SIZE"),
        "jobs": _env_int(env, "UPSTREAM_JOBS"),
        "online": _env_bool(env, "UPSTREAM_ONLINE"),
    }
    for k, v in from_env.items():
        if v is not None:
            values[k] = v
    for k, v in flags.items():
        if v is not None:
            values[k] = v
    cfg = ScanConfig(**values)  # type: ignore[arg-type]
    if cfg.max_file_size <= 0:
        raise ConfigError("--max-file-size must be positive")
    if cfg.jobs < 0:
        raise ConfigError("--jobs must be 0 (auto) or a positive number")
    return cfg
