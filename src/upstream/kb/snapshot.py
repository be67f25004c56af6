"""A pre-validated snapshot of the embedded knowledge base, so a scan need not parse and validate the YAML.

`snapshot.json` (beside this module) is written by `scripts/build-kb-snapshot` from the knowledge base
loaded and fully validated from `data/`. Line 1 is a header; line 2 holds every record as
`model_dump(exclude_unset=True)`. The header carries the SHA-256 of the YAML sources (the digest the KB
version comes from), of the code that shapes the records (this module, `schema.py`, `loader.py`) and of
line 2. Reading rebuilds each record as `model_construct` would, following the schema's field annotations,
without validation: the data was validated when it was written. Any mismatch or damage makes `read`
return None, and the caller loads the YAML instead, so a forgotten rebuild costs time, never correctness.
JSON only: nothing here is unpickled or executed.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import json
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

if TYPE_CHECKING:
    from upstream.kb.loader import KnowledgeBase

FORMAT = 1
FILE_NAME = "snapshot.json"
CODE_FILES = ("schema.py", "loader.py", "snapshot.py")
REBUILD_COMMAND = ".venv/bin/python scripts/build-kb-snapshot"

Convert = Callable[[Any], Any]


def code_digest() -> str:
    """SHA-256 over the modules that decide what a loaded record looks like."""
    digest = hashlib.sha256()
    package = resources.files("upstream.kb")
    for name in CODE_FILES:
        digest.update(name.encode() + b"\0" + package.joinpath(name).read_bytes() + b"\0")
    return digest.hexdigest()


def encode(kb: KnowledgeBase, sources_digest: str) -> str:
    """The snapshot text for `kb`: a knowledge base loaded and validated from the YAML with that digest."""
    records = {f.name: _dump(getattr(kb, f.name)) for f in dataclasses.fields(kb) if f.name != "version"}
    body = json.dumps(records, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    header = {
        "format": FORMAT,
        "sources_sha256": sources_digest,
        "code_sha256": code_digest(),
        "records_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "regenerate": REBUILD_COMMAND,
    }
    return json.dumps(header, sort_keys=True) + "\n" + body + "\n"


def write(target: Path) -> None:
    """Load and validate the embedded YAML, and write its snapshot to `target`."""
    from upstream.kb.loader import load_kb, sources_digest

    target.write_text(encode(load_kb(), sources_digest()), encoding="utf-8")


def read(data: bytes, sources_digest: str) -> dict[str, Any] | None:
    """KnowledgeBase fields (all but `version`) from snapshot bytes; None when stale or damaged."""
    paused = gc.isenabled()
    gc.disable()  # thousands of new containers, none of them garbage: collecting would only cost time
    try:
        head, _, body = data.partition(b"\n")
        body = body.rstrip(b"\n")
        header = json.loads(head)
        if (not isinstance(header, dict) or header.get("format") != FORMAT
                or header.get("sources_sha256") != sources_digest
                or header.get("records_sha256") != hashlib.sha256(body).hexdigest()
                or header.get("code_sha256") != code_digest()):
            return None
        return _decode(json.loads(body))
    except Exception:  # whatever is wrong with it, the YAML is the answer
        return None
    finally:
        if paused:
            gc.enable()


def read_packaged(sources_digest: str) -> dict[str, Any] | None:
    """`read` over the packaged snapshot file; None when it is missing, stale or damaged."""
    try:
        data = resources.files("upstream.kb").joinpath(FILE_NAME).read_bytes()
    except OSError:
        return None
    return read(data, sources_digest)


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    return value


def _decode(records: dict[str, Any]) -> dict[str, Any]:
    from upstream.kb.loader import KnowledgeBase

    out: dict[str, Any] = {}
    for name, tp in _hints(KnowledgeBase).items():
        if name != "version":
            conv = _converter(tp)
            out[name] = conv(records[name]) if conv else records[name]
    return out


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _converter(tp: Any) -> Convert | None:
    """How to rebuild a value of type `tp` from its JSON form; None when the JSON value is already it."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _model_builder(tp)
    if origin is typing.Annotated:
        return _converter(args[0])
    if origin is list:
        item = _converter(args[0])
        return (lambda v: [item(x) for x in v]) if item else None
    if origin is tuple:
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"snapshot: unsupported tuple type {tp!r}")
        each = _converter(args[0])
        return (lambda v: tuple(each(x) for x in v)) if each else tuple
    if origin is dict:
        value = _converter(args[1])
        return (lambda v: {k: value(x) for k, x in v.items()}) if value else None
    if origin is typing.Union or origin is types.UnionType:
        branches = [c for c in (_converter(a) for a in args if a is not type(None)) if c]
        if len(branches) > 1:
            raise TypeError(f"snapshot: a union of several record types cannot be rebuilt: {tp!r}")
        if branches:
            only = branches[0]
            return lambda v: None if v is None else only(v)
        return None
    if origin is typing.Literal or tp in (str, int, float, bool, type(None)):
        return None
    raise TypeError(f"snapshot: unsupported field type {tp!r}")


_BUILDERS: dict[type[BaseModel], Convert] = {}
_setattr = object.__setattr__
_new = object.__new__


def _model_builder(cls: type[BaseModel]) -> Convert:
    """`cls.model_construct` from its `model_dump(exclude_unset=True)` form. Fields left out get their defaults
    here, as validation gives them (a nested model default built the same way), and `model_fields_set` is the
    dumped keys, as validation set it. For plain models (no private attributes, extras, root or post-init:
    every KB record) the four attributes `model_construct` sets are set directly, four times faster."""
    if cls in _BUILDERS:  # registered before its fields are planned, so a self-referencing model terminates
        return _BUILDERS[cls]
    template: dict[str, Any] = {}  # every field in order; constant defaults filled in
    makers: dict[str, Callable[[], Any]] = {}  # defaults made fresh for each record
    nested: list[tuple[str, Convert]] = []
    required: set[str] = set()
    plain = (BaseModel.__slots__ == ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__",
                                     "__pydantic_private__")
             and not cls.__private_attributes__ and cls.__pydantic_post_init__ is None
             and not cls.__pydantic_root_model__ and cls.model_config.get("extra") != "allow")
    build = cls.model_construct

    def construct(raw: dict[str, Any]) -> BaseModel:
        keys = raw.keys()
        if not required <= keys or not keys <= template.keys():
            raise KeyError(f"snapshot: {cls.__name__} fields do not match: {sorted(keys ^ template.keys())}")
        values = template.copy()
        values.update(raw)  # keeps the fields' order
        for name in makers.keys() - keys:
            values[name] = makers[name]()
        for name, conv in nested:
            if name in raw:
                values[name] = conv(values[name])
        if not plain:
            return build(set(keys), **values)
        record = _new(cls)
        _setattr(record, "__dict__", values)
        _setattr(record, "__pydantic_fields_set__", set(keys))
        _setattr(record, "__pydantic_extra__", None)
        _setattr(record, "__pydantic_private__", None)
        return record

    _BUILDERS[cls] = construct
    try:
        for name, field in cls.model_fields.items():
            annotation: Any = field.annotation
            template[name] = None
            conv = _converter(annotation)
            if conv:
                nested.append((name, conv))
            if field.is_required():
                required.add(name)
            elif field.default_factory is None and _immutable(field.default):
                template[name] = field.default
            else:
                makers[name] = _default_maker(field)
    except BaseException:
        del _BUILDERS[cls]  # never leave a half-planned builder behind
        raise
    return construct


def _immutable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _default_maker(field: FieldInfo) -> Callable[[], Any]:
    """What makes a fresh default for the field, as validation would."""
    factory = field.default_factory
    if factory is None:
        value = field.default
        return lambda: copy.deepcopy(value)
    if isinstance(factory, type) and issubclass(factory, BaseModel):
        nested = _model_builder(factory)
        return lambda: nested({})
    if factory in (list, dict, set, tuple):
        return factory
    raise TypeError(f"snapshot: unsupported default factory {factory!r}")
