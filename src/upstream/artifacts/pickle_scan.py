"""PyTorch checkpoints and pickles: list what loading them would import, without ever unpickling.

A static walk over the pickle opcodes, using `pickletools`' opcode table (it only describes the
format; nothing is executed): GLOBAL / INST arguments and STACK_GLOBAL operands (followed through
the memo) give every `module.name` the unpickler would import and may call. Large byte payloads are
skipped with a seek, so a multi-GB legacy checkpoint costs a few reads. Zip checkpoints (torch >= 1.6,
TorchScript, Lightning .ckpt) are opened only after their central directory is checked for size.
"""

from __future__ import annotations

import io
import os
import pickletools
import re
import struct
import zipfile
from dataclasses import dataclass, field
from typing import IO, BinaryIO

from upstream.artifacts.binio import ArtifactError
from upstream.artifacts.pickle_policy import classify

MAX_OPS = 2_000_000
MAX_STACK = 200_000
MAX_MEMO = 200_000
SMALL_ARG = 1 << 16  # payloads kept (strings); larger ones are skipped
MAX_LINE = 1 << 16
MAX_PICKLES = 8  # consecutive pickles in one file (legacy torch.save writes 5)
ZIP_MAX_ENTRIES = 200_000
ZIP_MAX_CD = 64 << 20
ZIP_MAX_PKL = 16  # pickle members walked per archive
ZIP_MAX_MEMBER = 512 << 20
ZIP_MAX_RATIO = 200

@dataclass(slots=True)
class PickleScan:
    format: str = "pickle"  # pickle, pytorch (zip), pytorch-legacy, torchscript
    globals: list[str] = field(default_factory=list)  # module.name, first-seen order
    dangerous: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unresolved: int = 0  # STACK_GLOBALs whose operands are not literal strings
    extensions: list[int] = field(default_factory=list)  # copyreg extension codes (EXT1/2/4)
    calls: int = 0  # REDUCE / NEWOBJ / OBJ / INST / BUILD
    opcodes: int = 0
    pickles: int = 0
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    members: int = 0  # zip members
    member_names: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.dangerous or self.unresolved:
            return "dangerous"
        if self.unknown or self.extensions or not self.complete:
            return "review"
        return "safe"

    def add_global(self, module: str, name: str) -> None:
        full = f"{module}.{name}"
        if full in self.globals:
            return
        if len(self.globals) < 1000:
            self.globals.append(full)
        kind = classify(module, name)
        if kind == "dangerous":
            self.dangerous.append(full)
        elif kind == "unknown" and len(self.unknown) < 200:
            self.unknown.append(full)


_MARK = object()
_UNKNOWN = object()
_CODE2OP = {op.code.encode("latin-1"): op for op in pickletools.opcodes}
_STRING_ARGS = {"unicodestring1": "utf-8", "unicodestring4": "utf-8", "unicodestring8": "utf-8",
                "string1": "latin-1", "string4": "latin-1"}
_LEN_PREFIX = {pickletools.TAKEN_FROM_ARGUMENT1: ("<B", 1), pickletools.TAKEN_FROM_ARGUMENT4: ("<i", 4),
               pickletools.TAKEN_FROM_ARGUMENT4U: ("<I", 4), pickletools.TAKEN_FROM_ARGUMENT8U: ("<Q", 8)}


class _Source:
    """A bounded view of a binary stream: reads, capped lines, and forward skips."""

    def __init__(self, fh: IO[bytes], end: int) -> None:
        self.fh = fh
        self.end = end

    def read(self, n: int = -1) -> bytes:
        room = self.end - self.fh.tell()
        if n < 0 or n > room:
            n = max(room, 0)
        return self.fh.read(n)

    def readline(self, limit: int = -1) -> bytes:
        cap = MAX_LINE if limit < 0 else min(limit, MAX_LINE)
        return self.fh.readline(min(cap, max(self.end - self.fh.tell(), 0)))

    def skip(self, n: int) -> bool:
        target = self.fh.tell() + n
        if target > self.end:
            return False
        self.fh.seek(target)
        return True

    def tell(self) -> int:
        return self.fh.tell()


def _walk_one(src: _Source, scan: PickleScan) -> bool:
    """Walk one pickle up to its STOP. Returns False when the stream ends or is not a pickle."""
    stack: list[object] = []
    memo: dict[int, object] = {}
    while True:
        code = src.read(1)
        if not code:
            scan.complete = False
            scan.notes.append("stream ends before STOP")
            return False
        op = _CODE2OP.get(code)
        if op is None:
            scan.complete = False
            scan.notes.append(f"unknown opcode {code!r} at byte {src.tell() - 1}: not a pickle from here on")
            return False
        scan.opcodes += 1
        if scan.opcodes > MAX_OPS:
            scan.complete = False
            scan.notes.append(f"more than {MAX_OPS} opcodes; walk stopped")
            return False
        arg: object = None
        desc = op.arg
        if desc is not None:
            if desc.n in _LEN_PREFIX:
                fmt, size = _LEN_PREFIX[desc.n]
                raw = src.read(size)
                if len(raw) < size:
                    scan.complete = False
                    return False
                (length,) = struct.unpack(fmt, raw)
                if length < 0:
                    raise ArtifactError(f"negative length in {op.name}")
                if desc.name in _STRING_ARGS and length <= SMALL_ARG:
                    data = src.read(length)
                    if len(data) < length:
                        scan.complete = False
                        return False
                    arg = data.decode(_STRING_ARGS[desc.name], errors="replace")
                elif not src.skip(length):
                    scan.complete = False
                    scan.notes.append(f"{op.name} payload runs past the end")
                    return False
            else:
                try:
                    arg = desc.reader(src)  # type: ignore[arg-type]
                except (ValueError, UnicodeDecodeError, struct.error) as exc:
                    scan.complete = False
                    scan.notes.append(f"bad {op.name} argument: {exc}")
                    return False
        name = op.name
        if name in ("GLOBAL", "INST"):
            module, _, attr = str(arg).partition(" ")
            scan.add_global(module, attr)
        elif name == "STACK_GLOBAL":
            attr_v = stack.pop() if stack else _UNKNOWN
            mod_v = stack.pop() if stack else _UNKNOWN
            if isinstance(mod_v, str) and isinstance(attr_v, str):
                scan.add_global(mod_v, attr_v)
            else:
                scan.unresolved += 1
            stack.append(_UNKNOWN)
            continue
        elif name in ("EXT1", "EXT2", "EXT4"):
            if len(scan.extensions) < 100:
                scan.extensions.append(int(arg))  # type: ignore[call-overload]
        elif name in ("REDUCE", "NEWOBJ", "NEWOBJ_EX", "OBJ", "INST", "BUILD"):
            scan.calls += 1
        elif name == "STOP":
            return True
        # memo and stack bookkeeping
        if name in ("PUT", "BINPUT", "LONG_BINPUT"):
            if len(memo) < MAX_MEMO:
                memo[int(arg)] = stack[-1] if stack else _UNKNOWN  # type: ignore[call-overload]
            continue
        if name == "MEMOIZE":
            if len(memo) < MAX_MEMO:
                memo[len(memo)] = stack[-1] if stack else _UNKNOWN
            continue
        if name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(int(arg), _UNKNOWN))  # type: ignore[call-overload]
            continue
        before = op.stack_before
        if pickletools.markobject in before:
            below = before.index(pickletools.markobject)
            while stack and stack[-1] is not _MARK:
                stack.pop()
            if stack:
                stack.pop()
            del stack[max(len(stack) - below, 0):]
        else:
            del stack[max(len(stack) - len(before), 0):]
        if isinstance(arg, str) and name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING",
                                              "BINSTRING", "SHORT_BINSTRING"):
            stack.append(arg.strip("'\"") if name == "STRING" else arg)
        else:
            stack.extend(_MARK if s is pickletools.markobject else _UNKNOWN for s in op.stack_after)
        if len(stack) > MAX_STACK:
            scan.complete = False
            scan.notes.append("pickle stack deeper than we follow")
            return False


def walk_stream(fh: IO[bytes], end: int, scan: PickleScan) -> None:
    """Walk consecutive pickles from the current position (legacy torch.save writes several)."""
    src = _Source(fh, end)
    while scan.pickles < MAX_PICKLES:
        if not _walk_one(src, scan):
            if scan.pickles == 0 and scan.opcodes <= 1:
                raise ArtifactError("not a pickle")
            return
        scan.pickles += 1
        nxt = src.read(1)
        if nxt != b"\x80":  # the next thing is not another protocol-2+ pickle: raw data follows
            return
        fh.seek(-1, io.SEEK_CUR)


def _check_zip(fh: BinaryIO, size: int) -> None:
    """Refuse archives whose central directory is absurd before zipfile reads it."""
    tail_len = min(size, 65536 + 22)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        raise ArtifactError("zip without an end-of-central-directory record")
    entries, cd_size = struct.unpack_from("<H", tail, pos + 10)[0], struct.unpack_from("<I", tail, pos + 12)[0]
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = tail.rfind(b"PK\x06\x07", 0, pos)
        if loc >= 0:
            (z64_off,) = struct.unpack_from("<Q", tail, loc + 8)
            if z64_off + 56 <= size:
                fh.seek(z64_off)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    entries = struct.unpack_from("<Q", rec, 32)[0]
                    cd_size = struct.unpack_from("<Q", rec, 40)[0]
    if entries > ZIP_MAX_ENTRIES or cd_size > ZIP_MAX_CD:
        raise ArtifactError(f"zip declares {entries} entries / {cd_size} bytes of directory: refused")


def scan_zip(fh: BinaryIO, size: int) -> PickleScan:
    _check_zip(fh, size)
    fh.seek(0)
    scan = PickleScan(format="pytorch")
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error, KeyError, IndexError,
            NotImplementedError) as exc:
        raise ArtifactError(f"bad zip: {exc}") from None
    with zf:
        infos = zf.infolist()
        scan.members = len(infos)
        names = [i.filename for i in infos]
        scan.member_names = names[:50]
        if any("/code/" in n or n.startswith("code/") for n in names):
            scan.format = "torchscript"
            scan.notes.append("TorchScript archive: torch.jit.load runs the TorchScript code it holds")
        pkls = [i for i in infos if i.filename.endswith(".pkl")]
        if not pkls:
            raise ArtifactError("zip holds no pickle")
        for info in pkls[:ZIP_MAX_PKL]:
            if info.file_size > ZIP_MAX_MEMBER:
                scan.complete = False
                scan.notes.append(f"{info.filename}: {info.file_size} bytes, larger than we walk")
                continue
            if info.compress_size and info.file_size / info.compress_size > ZIP_MAX_RATIO and info.file_size > 1 << 20:
                scan.complete = False
                scan.notes.append(f"{info.filename}: compression ratio above {ZIP_MAX_RATIO}: refused (zip bomb?)")
                continue
            if info.flag_bits & 0x1:
                scan.complete = False
                scan.notes.append(f"{info.filename}: encrypted member, not read")
                continue
            try:
                with zf.open(info) as member:
                    walk_stream(member, info.file_size, scan)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
                    struct.error) as exc:
                scan.complete = False
                scan.notes.append(f"{info.filename}: {exc}")
        if len(pkls) > ZIP_MAX_PKL:
            scan.complete = False
            scan.notes.append(f"{len(pkls)} pickles in the archive; walked {ZIP_MAX_PKL}")
    return scan


LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."


_PROTO0_GLOBAL = re.compile(rb"^c[A-Za-z_][\w.]*\n[A-Za-z_]\w*\n")


def looks_like_pickle(head: bytes, loose: bool = False) -> bool:
    """A zip (torch >= 1.6) or a protocol 2+ pickle; `loose`: also a protocol-0 pickle opening on a GLOBAL."""
    if head[:4] == b"PK\x03\x04" or (len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5):
        return True
    return loose and bool(_PROTO0_GLOBAL.match(head))


def scan_file(path: str) -> PickleScan:
    """Scan a pickle or PyTorch checkpoint (zip or legacy). Raises ArtifactError when it is neither."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(16)
        fh.seek(0)
        if head[:4] == b"PK\x03\x04":
            return scan_zip(fh, size)
        scan = PickleScan(format="pytorch-legacy" if head.startswith(LEGACY_MAGIC) else "pickle")
        if not looks_like_pickle(head, loose=True) and head[:1] not in (b"(", b"c", b"}", b"]", b"N", b"I", b"S",
                                                                          b"V"):
            raise ArtifactError("neither a zip nor a pickle")
        walk_stream(fh, size, scan)
        return scan
