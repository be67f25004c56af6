"""The policy file: `upstream.toml` or `[tool.upstream]` in pyproject.toml, validated into a frozen Policy.

Layout (every table optional):

    [about]            title, description, reflects, sources: what the policy is for
    [policy]           fail_on, include_docs, extends (a built-in profile to start from)
    [rules.RULE-ID]    one table per rule that applies, with that rule's options
    [[ignore]]         rule, model / path / endpoint / fingerprint, reason (required), until
    [weigh]            the team's context for `upstream weigh` (upstream.weigh.context; docs/weigh.md)

Tables `scan` and `probe` are left to the parts of upstream that read them; any other key is an error.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from upstream.errors import ConfigError
from upstream.models import Severity
from upstream.policy.facts import closest
from upstream.policy.profiles import profile_data, profile_names
from upstream.policy.rules import BY_ID, RuleOptions

POLICY_KEYS = ("policy", "rules", "ignore")
OTHER_KEYS = ("about", "scan", "probe", "weigh")
_MAX_BYTES = 1 << 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class PolicySection(_Strict):
    fail_on: Severity = "high"
    """The lowest severity that fails the run"""
    include_docs: bool = False
    """Also hold models that are only mentioned in documentation to the rules"""
    extends: str | None = None
    """A built-in profile to start from; this file's settings override it"""


class AboutSection(_Strict):
    title: str | None = None
    description: str | None = None
    reflects: tuple[str, ...] = ()
    """The public rules or guidance the policy reflects"""
    sources: tuple[str, ...] = ()
    """Knowledge-base source ids or URLs"""


class IgnoreEntry(_Strict):
    rule: str
    model: str | None = None
    """Model id (glob, case-insensitive), e.g. "Qwen/*\""""
    path: str | None = None
    """A location path (glob), e.g. "notebooks/*\""""
    endpoint: str | None = None
    """Endpoint record id or host, e.g. "deepseek" or "api.deepseek.com\""""
    fingerprint: str | None = None
    """A finding's fingerprint (or its first 12+ characters)"""
    reason: str
    until: date | None = None
    """The ignore stops applying after this day (YYYY-MM-DD)"""

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str) -> str:
        if value not in BY_ID:
            raise ValueError(f"unknown rule {value!r}{closest(value, BY_ID)}; rules: {', '.join(BY_ID)}")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if len(value.strip()) < 3:
            raise ValueError("an ignore needs a reason: say why the finding is accepted (who decided, on what basis)")
        return value.strip()

    @field_validator("fingerprint")
    @classmethod
    def _fp(cls, value: str | None) -> str | None:
        if value is not None and (len(value) < 12 or any(c not in "0123456789abcdef" for c in value.lower())):
            raise ValueError("a fingerprint is hexadecimal, at least its first 12 characters")
        return value.lower() if value else value

    @model_validator(mode="after")
    def _target(self) -> IgnoreEntry:
        if not (self.model or self.path or self.endpoint or self.fingerprint):
            raise ValueError("an ignore needs a target: model, path, endpoint or fingerprint (to turn a whole rule "
                             "off, set `enabled = false` in its [rules.*] table)")
        return self


@dataclass(frozen=True)
class Ignore:
    """One `[[ignore]]` entry, numbered in file order (profile entries first)."""

    number: int
    rule: str
    reason: str
    model: str | None = None
    path: str | None = None
    endpoint: str | None = None
    fingerprint: str | None = None
    until: date | None = None

    def describe(self) -> str:
        target = ", ".join(f"{k}={v}" for k, v in (("model", self.model), ("path", self.path),
                                                     ("endpoint", self.endpoint), ("fingerprint", self.fingerprint))
                           if v)
        until = f", until {self.until.isoformat()}" if self.until else ""
        return f"[[ignore]] #{self.number}: {self.rule} ({target}{until}): {self.reason}"


@dataclass(frozen=True)
class Policy:
    """A validated policy: which rules apply with which options, what fails the run, and the ignores."""

    source: str
    """The file it was read from, or "profile:NAME\""""
    fail_on: Severity = "high"
    include_docs: bool = False
    rules: dict[str, RuleOptions] = field(default_factory=dict)
    ignores: tuple[Ignore, ...] = ()
    profile: str | None = None
    title: str | None = None
    weigh: Mapping[str, Any] | None = None
    """The validated `[weigh]` table (only the keys it sets), None when there is none"""


# --------------------------------------------------------------------------- validation


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _messages(exc: ValidationError, prefix: tuple[Any, ...], model: type[BaseModel]) -> list[str]:
    out = []
    for e in exc.errors():
        loc = (*prefix, *e["loc"])
        if e["type"] == "extra_forbidden":
            key = str(e["loc"][-1])
            allowed = list(model.model_fields) if len(e["loc"]) == 1 else []
            msg = f"unknown key{closest(key, allowed)}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif e["type"] == "missing":
            msg = "required"
        elif e["type"] == "value_error":
            msg = str(e["msg"]).removeprefix("Value error, ")
        else:
            msg = f"{e['msg']} (got {e['input']!r})"
        out.append(f"{_where(loc) or 'policy'}: {msg}")
    return out


def _validate(model: type[Any], data: Any, prefix: tuple[Any, ...], errors: list[str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.extend(_messages(exc, prefix, model))
        return None


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """A profile with a file's settings over it: per-rule options key by key, ignores appended."""
    rules = {k: dict(v) if isinstance(v, dict) else v for k, v in base.get("rules", {}).items()}
    for rid, table in top.get("rules", {}).items():
        base_table = rules.get(rid)
        rules[rid] = {**base_table, **table} if isinstance(base_table, dict) and isinstance(table, dict) else table
    out = {**base, **top, "policy": {**base.get("policy", {}), **top.get("policy", {})}, "rules": rules,
           "ignore": [*base.get("ignore", []), *top.get("ignore", [])]}
    if isinstance(base.get("weigh"), dict) and isinstance(top.get("weigh"), dict):
        from upstream.weigh.context import merge_tables  # here, not at the top: weigh imports the policy package

        out["weigh"] = merge_tables(base["weigh"], top["weigh"])
    return out


def parse_policy(data: dict[str, Any], source: str, profile: str | None = None) -> Policy:
    """Validate a parsed policy table (with `profile`, or its own `policy.extends`, as the base)."""
    unknown = [k for k in data if k not in POLICY_KEYS + OTHER_KEYS]
    if unknown:
        raise ConfigError(f"{source}: unknown key {unknown[0]!r}{closest(unknown[0], POLICY_KEYS + OTHER_KEYS)}",
                          hint=f"allowed tables: {', '.join(POLICY_KEYS + OTHER_KEYS)}")
    section = data.get("policy", {})
    base_name = profile or (section.get("extends") if isinstance(section, dict) else None)
    label = source
    if base_name:
        if base_name not in profile_names():
            raise ConfigError(f"{source}: no built-in profile {base_name!r}{closest(str(base_name), profile_names())}",
                              hint=f"profiles: {', '.join(profile_names())}")
        data = _merge(profile_data(base_name), data)
        label = f"{source} (over profile {base_name})" if source != f"profile:{base_name}" else source
    errors: list[str] = []
    for key, kind in (("policy", dict), ("rules", dict), ("ignore", list), ("about", dict), ("weigh", dict)):
        if key in data and not isinstance(data[key], kind):
            errors.append(f"{key}: must be a {'table' if kind is dict else 'list of [[ignore]] tables'}")
    if errors:
        raise ConfigError(f"{label}: " + "; ".join(errors))
    sec = _validate(PolicySection, data.get("policy", {}), ("policy",), errors)
    about = _validate(AboutSection, data.get("about", {}), ("about",), errors)
    rules: dict[str, RuleOptions] = {}
    for rid, table in data.get("rules", {}).items():
        rule = BY_ID.get(rid)
        if rule is None:
            errors.append(f"rules.{rid}: unknown rule{closest(rid, BY_ID)}; rules: {', '.join(BY_ID)}")
        elif not isinstance(table, dict):
            errors.append(f"rules.{rid}: must be a table ([rules.{rid}])")
        elif (opts := _validate(rule.options, table, ("rules", rid), errors)) is not None:
            rules[rid] = opts
    weigh = None
    if "weigh" in data:
        from upstream.weigh.context import WeighTable  # here, not at the top: weigh imports the policy package

        table = _validate(WeighTable, data["weigh"], ("weigh",), errors)
        weigh = table.model_dump(exclude_unset=True) if table is not None else None
    ignores = []
    for n, entry in enumerate(data.get("ignore", [])):
        if not isinstance(entry, dict):
            errors.append(f"ignore[{n + 1}]: must be a table ([[ignore]])")
        elif (ig := _validate(IgnoreEntry, entry, ("ignore", n), errors)) is not None:
            ignores.append(Ignore(number=n + 1, **ig.model_dump()))
    if errors:
        more = f" (and {len(errors) - 8} more)" if len(errors) > 8 else ""
        raise ConfigError(f"{label}: " + "; ".join(errors[:8]) + more,
                          hint="'upstream explain RULE' documents a rule's options; see docs/policy.md")
    return Policy(source=source, fail_on=sec.fail_on, include_docs=sec.include_docs, rules=rules,
                  ignores=tuple(ignores), profile=base_name, title=about.title, weigh=weigh)


# --------------------------------------------------------------------------- files


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise ConfigError(f"{path}: larger than {_MAX_BYTES >> 20} MiB; not a policy file")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}",
                          hint="upstream reads its policy from this file; fix it, or pass --policy / --no-policy") \
            from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _tool_table(path: Path, data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool")
    table = tool.get("upstream") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.upstream] must be a table")
    return table


def load_policy(path: str | os.PathLike[str], profile: str | None = None) -> Policy:
    """The policy in a file: a pyproject.toml's [tool.upstream] table, or the whole of any other TOML file."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such policy file",
                          hint="pass an upstream.toml or pyproject.toml, or --profile NAME")
    data = _read_toml(p)
    if p.name == "pyproject.toml":
        table = _tool_table(p, data)
        if table is None:
            raise ConfigError(f"{p}: has no [tool.upstream] table")
        return parse_policy(table, f"{p} [tool.upstream]", profile)
    return parse_policy(data, str(p), profile)


def discover(root: str | os.PathLike[str], keys: tuple[str, ...] = POLICY_KEYS) -> Path | None:
    """The policy file at a scanned root: upstream.toml, else a pyproject.toml whose [tool.upstream] holds a policy.
    An upstream.toml without policy tables means no policy (it is not merged with pyproject.toml). `keys`: the
    tables that make a file count (`upstream weigh` also takes a file holding only [weigh])."""
    base = Path(root)
    if not base.is_dir():
        return None
    own = base / "upstream.toml"
    if own.is_file():
        return own if any(k in _read_toml(own) for k in keys) else None
    py = base / "pyproject.toml"
    if py.is_file():
        table = _tool_table(py, _read_toml(py))
        if table is not None and any(k in table for k in keys):
            return py
    return None


def find_policy(root: str, policy_path: str | None = None, profile: str | None = None,
                weigh: bool = False) -> Policy | None:
    """The policy a scan of `root` applies: `policy_path`, else the one found at the root; `profile` as its base
    (or alone when there is no file). None when there is no policy. Raises ConfigError for a bad one. With `weigh`,
    a file holding only a [weigh] table counts too."""
    path = Path(policy_path) if policy_path else discover(root, (*POLICY_KEYS, "weigh") if weigh else POLICY_KEYS)
    if path is not None:
        return load_policy(path, profile)
    if profile:
        return parse_policy({}, f"profile:{profile}", profile)
    return None
