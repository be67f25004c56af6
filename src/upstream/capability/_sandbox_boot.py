"""Sandbox bootstrap, never imported by upstream: ``python -I -S -B _sandbox_boot.py (WORKDIR | --zygote FD)``.

Per task: read and delete the payload, unshare namespaces, make the file system read-only except a tmpfs
work folder, fork the code's process (PID 1 of a new process tree), drop it to a uid of its own, set
rlimits, install the audit hook, import ``solution``, run the hidden tests, write the result on the
status pipe and ``os._exit`` (nothing the code registered runs afterwards). The forking process stays
outside as the relay: it reaps the code's process and reports how it ended. With ``--zygote`` one warm
process serves many tasks, each a fork of it.

Status lines on fd 3, each starting with the run's nonce: ``P pid`` (the task's process group), ``G pid``
(the code's process group), ``L layers``, ``R hex(test name)`` (started), ``E status count hex(detail)``
(the end), ``X exit code`` (from the relay). Standard library only, cheap to import (no typing, enum).
The code's process is PID 1 of its namespace, so signals it sends itself without a handler are ignored
(the kernel's rule for init); faults and SIGKILL still end it.
"""

from __future__ import annotations

import marshal
import os
import resource
import stat
import sys
from types import CodeType

TYPE_CHECKING = False  # typing costs ~10 ms to import: only the type checker reads these
if TYPE_CHECKING:
    import signal as _signal
    from collections.abc import Callable
    from typing import Any, NoReturn
else:
    import _signal  # the C module: `signal` would import enum (~8 ms)

STATUS_FD = 3
WARM_MODULES = ("traceback", "linecache", "ast", "tokenize", "typing", "collections", "functools", "itertools",
                "math", "re", "heapq", "bisect", "string")
TESTS_FILE = "hidden_tests.py"
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
SYS_MOUNT_SETATTR, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, -100, 0x8000, 1
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, SIGKILL = 1, 38, 9
DEV_OK = frozenset(("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"))
REFUSED = frozenset((
    "os.fork", "os.forkpty", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.startfile",
    "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill", "resource.prlimit",
    "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "socket.sethostname",
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect", "poplib.connect",
    "imaplib.open", "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames",
    "sys._current_exceptions", "sys.settrace", "sys.setprofile", "sys.addaudithook", "sys.remote_exec",
    "os.setns", "os.unshare",
))
# event -> (positions of paths it writes, positions of dir_fd arguments)
PATH_EVENTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "os.remove": ((0,), (1,)), "os.rmdir": ((0,), (1,)), "os.rename": ((0, 1), (2, 3)),
    "os.link": ((0, 1), (2, 3)), "os.symlink": ((1,), (2,)), "os.mkdir": ((0,), (2,)), "os.chmod": ((0,), (2,)),
    "os.chown": ((0,), (3,)), "os.utime": ((0,), (3,)), "os.truncate": ((0,), ()), "os.chflags": ((0,), ()),
    "os.lchflags": ((0,), ()), "os.setxattr": ((0,), ()), "os.removexattr": ((0,), ()),
    "shutil.rmtree": ((0,), (1,)), "shutil.copyfile": ((1,), ()), "shutil.copymode": ((1,), ()),
    "shutil.copystat": ((1,), ()), "shutil.copytree": ((1,), ()), "shutil.move": ((0, 1), ()),
    "shutil.chown": ((0,), ()), "shutil.make_archive": ((0,), ()), "shutil.unpack_archive": ((1,), ()),
}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Blocked(BaseException):
    """Raised by the audit hook; a BaseException so that `except Exception` in the code does not hide it."""


class Kernel:
    """The few Linux calls Python 3.11's os module lacks, through libc."""

    def __init__(self) -> None:
        import ctypes

        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)

    def _check(self, result: int, what: str) -> None:
        if result == -1:
            err = self.ctypes.get_errno()
            raise OSError(err, os.strerror(err), what)

    def unshare(self, flags: int) -> None:
        self._check(self.libc.unshare(self.ctypes.c_int(flags)), "unshare")

    def mount(self, source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
        def enc(s: str | None) -> bytes | None:
            return None if s is None else os.fsencode(s)

        self._check(self.libc.mount(enc(source), enc(target), enc(fstype), self.ctypes.c_ulong(flags),
                                    enc(data)), f"mount {target}")

    def readonly_tree(self, path: str) -> None:
        c = self.ctypes
        attr = (c.c_uint64 * 4)(MOUNT_ATTR_RDONLY, 0, 0, 0)  # struct mount_attr
        self._check(self.libc.syscall(c.c_long(SYS_MOUNT_SETATTR), c.c_int(AT_FDCWD), os.fsencode(path),
                                      c.c_uint(AT_RECURSIVE), c.byref(attr), c.c_size_t(c.sizeof(attr))),
                    "mount_setattr")

    def prctl(self, option: int, value: int) -> None:
        c = self.ctypes
        self._check(self.libc.prctl(c.c_int(option), c.c_ulong(value), c.c_ulong(0), c.c_ulong(0),
                                    c.c_ulong(0)), "prctl")


def main() -> NoReturn:
    """``WORKDIR``: run one task (fds 1 and 2 are its pipes). ``--zygote FD``: fork one task per message."""
    if sys.argv[1] == "--zygote":
        _zygote(int(sys.argv[2]))
    _task(sys.argv[1], None, os.getppid())


def _zygote(sock_fd: int) -> NoReturn:
    """Serve tasks: each message is a work folder and its three pipes (stdout, stderr, status).

    Started once with ctypes already loaded, so a task costs a fork instead of an interpreter start.
    Exits when the socket closes, i.e. when upstream's process ends.
    """
    import socket

    sock = socket.socket(fileno=sock_fd)
    me = os.getpid()
    kernel = _kernel()  # loaded here once, inherited by every task
    for name in WARM_MODULES:  # what failure reports and typical solutions import, paid once
        try:  # noqa: SIM105 (contextlib costs an import)
            __import__(name)
        except ImportError:
            pass
    _signal.signal(_signal.SIGCHLD, _signal.SIG_IGN)  # tasks are reaped by the kernel
    import gc

    gc.freeze()  # the collector leaves what the zygote holds alone: fewer copy-on-write faults per task
    sock.send(b"ready")
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 4096, 3)
        except InterruptedError:
            continue
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            continue
        if os.fork() == 0:
            _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)
            sock.close()
            _task(os.fsdecode(data), fds, me, kernel)
        for fd in fds:
            os.close(fd)


def _task(workdir: str, fds: list[int] | None, parent: int, kernel: Kernel | None = None) -> NoReturn:
    """One task, in a process of its own session: read the payload, set up, fork the code's PID 1, relay."""
    try:
        if fds is not None:
            for target, fd in enumerate(fds, start=1):
                os.dup2(fd, target)
            os.closerange(4, 1 << 30)  # the zygote's socket and anything else: never reachable by the code
            kernel = kernel or _kernel()
        else:
            kernel = _kernel()
        if kernel is not None:
            kernel.prctl(PR_SET_PDEATHSIG, SIGKILL)
        if os.getppid() != parent:
            os._exit(70)
        try:  # noqa: SIM105 (contextlib costs an import)
            os.setsid()
        except OSError:
            pass  # already a session leader (started with start_new_session)
        with open(os.path.join(workdir, ".payload"), "rb") as fh:
            job: dict[str, Any] = marshal.loads(fh.read())
        os.unlink(os.path.join(workdir, ".payload"))
        if fds is None:
            os.dup2(job["status_fd"], STATUS_FD)
            os.closerange(4, 1 << 30)
        os.environ.update(HOME=workdir, TMPDIR=workdir)
        os.chdir(workdir)
    except BaseException as exc:  # a broken launch: nothing to report on, the parent sees "crashed"
        os.write(2, f"sandbox bootstrap: {exc!r}\n".encode())
        os._exit(70)
    _send(job["nonce"], "P", str(os.getpid()))
    try:
        layers = _stage1(job, kernel)
    except BaseException as exc:
        _send(job["nonce"], "E", "crashed", "0", _hex(f"sandbox setup failed: {exc!r}"))
        os._exit(70)
    _stage2(job, layers)


def _stage1(job: dict[str, Any], kernel: Kernel | None) -> list[str]:
    """Everything before the model's code: namespaces, mounts, fork, uid, rlimits. Returns the layers.

    Only the forked child comes back from here; this process relays its exit status and exits.
    """
    layers: list[str] = []
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    root = os.geteuid() == 0
    uid = gid = int(job["uid"])
    needed = [p for p in (os.path.realpath(p) for p in sys.path) if os.path.exists(p)]
    userns = False
    if kernel is not None and job["namespaces"]:
        userns = _namespaces(kernel, job, layers, root, needed)
    child = os.fork()
    if child:
        try:  # noqa: SIM105 - own group: upstream kills the code and still hears from this relay
            os.setpgid(child, child)
        except OSError:
            pass
        _send(job["nonce"], "G", str(child))
        _relay(child, job["nonce"])
    try:  # noqa: SIM105
        os.setpgid(0, 0)
    except OSError:
        pass
    if "pidns" in layers and "mountns" in layers:  # never mount into a namespace we do not own
        _mount_proc(kernel, layers)  # type: ignore[arg-type]  # namespaces imply kernel
    if userns and "fs-readonly" in layers:
        try:
            _lock_mounts(kernel)  # type: ignore[arg-type]
        except OSError:
            layers[layers.index("fs-readonly")] = "fs-readonly-unlocked"
    workdir = job["workdir"]
    os.chdir(workdir)
    if root and hasattr(os, "setresuid") and all(_traversable(p) for p in [*needed, os.path.dirname(workdir)]):
        if os.stat(workdir).st_uid != uid:
            os.chown(workdir, uid, gid)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        layers.append("uid-drop")
    if kernel is not None:
        kernel.prctl(PR_SET_NO_NEW_PRIVS, 1)
        kernel.prctl(PR_SET_PDEATHSIG, SIGKILL)  # the relay's death kills the code (reset by the uid change)
    _rlimits(job)
    layers.append("rlimits")
    return layers


def _kernel() -> Kernel | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return Kernel()
    except (ImportError, OSError):
        return None


def _namespaces(kernel: Kernel, job: dict[str, Any], layers: list[str], root: bool, needed: list[str]) -> bool:
    """Unshare and set up mounts; add the layers achieved. Returns whether a user namespace was needed."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    uid, gid = os.geteuid(), os.getegid()
    try:
        kernel.unshare(flags if root else flags | CLONE_NEWUSER)
    except OSError:
        return False
    if not root:
        _map_ids(uid, gid)
        layers.append("userns")
    layers += ["netns", "pidns"]
    try:
        kernel.mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    except OSError:
        return not root
    layers.append("mountns")
    if root:
        try:  # noqa: SIM105 - the uid drop checks what is reachable and is skipped if the library is not
            _expose(kernel, needed)
        except OSError:
            pass
    try:
        kernel.readonly_tree("/")
        layers.append("fs-readonly")
    except OSError:
        pass
    owner = int(job["uid"]) if root else 0
    size = max(1 << 20, 8 * int(job["file_bytes"]))
    kernel.mount("tmpfs", job["workdir"], "tmpfs", MS_NOSUID | MS_NODEV,
                 f"size={size},nr_inodes=1024,mode=0700,uid={owner},gid={owner}")
    return not root


def _map_ids(uid: int, gid: int) -> None:
    """Map the namespace's root to our own ids (the only mapping an unprivileged process may write)."""
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)


def _expose(kernel: Kernel, needed: list[str]) -> None:
    """Make the interpreter's library folders reachable by an unprivileged uid inside our mount namespace.

    A folder on the way that others cannot search (e.g. /root for a pyenv Python) is covered with a tmpfs
    holding only bind mounts of the library folders: the uid can import the standard library, and the
    rest of that folder stays hidden.
    """
    tops: dict[str, list[str]] = {}
    for path in sorted(set(needed)):
        if any(path.startswith(p + "/") for paths in tops.values() for p in paths):
            continue
        top = _first_closed(path)
        if top is not None:
            tops.setdefault(top, []).append(path)
    for top, paths in tops.items():
        fds = [(p, os.open(p, os.O_PATH | os.O_CLOEXEC)) for p in paths]
        try:
            kernel.mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=65536")
            for path, fd in fds:
                os.makedirs(path, mode=0o755, exist_ok=True)
                kernel.mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC, None)
        finally:
            for _, fd in fds:
                os.close(fd)


def _first_closed(path: str) -> str | None:
    """The first folder on the way to `path` that others may not search, if any."""
    current = ""
    for part in path.strip("/").split("/"):
        current += "/" + part
        try:
            st = os.stat(current)
        except OSError:
            return None
        if stat.S_ISDIR(st.st_mode) and not st.st_mode & 0o001:
            return current
    return None


def _traversable(path: str) -> bool:
    return _first_closed(path) is None


def _mount_proc(kernel: Kernel, layers: list[str]) -> None:
    """A /proc that shows only this process tree (best effort: some containers forbid it)."""
    try:
        kernel.mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    except OSError:
        layers.remove("pidns")
        layers.append("pidns-shared-proc")


def _lock_mounts(kernel: Kernel) -> None:
    """Inside a user namespace we are its root and could undo the read-only mounts: a nested user and
    mount namespace locks them."""
    kernel.unshare(CLONE_NEWUSER | CLONE_NEWNS)
    _map_ids(0, 0)


def _relay(child: int, nonce: str) -> NoReturn:
    """Outside the code's PID namespace: wait for its PID 1, report how it ended, and end the same way."""
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    code = os.waitstatus_to_exitcode(status)
    _send(nonce, "X", str(code))
    if code < 0:
        try:
            _signal.signal(-code, _signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        except (OSError, ValueError):
            pass
        os._exit(128 - code)
    os._exit(code)


def _rlimits(job: dict[str, Any]) -> None:
    seconds = max(1, int(job["seconds"] + 0.999))
    memory = int(job["memory_mb"]) << 20
    for name, value in (("RLIMIT_CPU", (seconds, seconds + 1)), ("RLIMIT_AS", (memory, memory)),
                        ("RLIMIT_DATA", (memory, memory)), ("RLIMIT_FSIZE", (int(job["file_bytes"]),) * 2),
                        ("RLIMIT_NOFILE", (64, 64)), ("RLIMIT_NPROC", (int(job["processes"]),) * 2),
                        ("RLIMIT_MSGQUEUE", (0, 0))):
        try:  # noqa: SIM105 (contextlib costs an import)
            resource.setrlimit(getattr(resource, name), value)
        except (AttributeError, ValueError, OSError):
            pass  # not on this system (RLIMIT_MSGQUEUE off Linux) or refused (macOS and RLIMIT_AS)


def _stage2(job: dict[str, Any], layers: list[str]) -> NoReturn:
    """Run the model's code and the tests; report through functions bound before the code runs."""
    nonce, source, tests, workdir = job["nonce"], job["solution"], job["tests"], job["workdir"]
    write, exit_now, isinstance_, callable_ = os.write, os._exit, isinstance, callable
    memory_error, blocked_error, stdout, stderr = MemoryError, Blocked, sys.stdout, sys.stderr
    import builtins

    def send(*parts: str) -> None:
        try:  # noqa: SIM105 (contextlib costs an import)
            write(STATUS_FD, (nonce + " " + " ".join(parts) + "\n").encode("ascii"))
        except OSError:
            pass

    def finish(status: str, count: int, detail: str) -> NoReturn:
        for stream in (stdout, stderr):
            try:  # noqa: SIM105 (contextlib costs an import)
                stream.flush()
            except BaseException:
                pass
        send("E", status, str(count), _hex(detail))
        exit_now(0 if status == "passed" else 1)

    try:
        code = compile(tests, TESTS_FILE, "exec", dont_inherit=True)
    except BaseException as exc:
        send("L", ",".join(layers))
        finish("crashed", 0, f"the hidden tests do not compile: {exc!r}")
    names = _test_names(code)
    try:  # lone surrogates (from JSON escapes) are written as they are: the import then fails honestly
        with open("solution.py", "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(source)
    except OSError as exc:
        send("L", ",".join(layers))
        finish("crashed", 0, f"could not write solution.py: {exc!r}")
    sys.path.append(workdir)  # last, so files the code writes cannot shadow the standard library
    violations: list[str] = []
    if job["audit"]:
        sys.addaudithook(_hook(workdir, job["deny_read"], violations))
        layers.append("audit-hook")
    del job
    send("L", ",".join(layers))

    def failed(where: str, exc: BaseException, count: int) -> NoReturn:
        if violations or isinstance_(exc, blocked_error):
            finish("blocked", count, f"{where}: blocked {violations[0] if violations else exc}")
        if isinstance_(exc, memory_error):
            finish("memory", count, f"{where}: MemoryError")
        finish("failed", count, _describe(where, exc, tests))

    send("R", _hex("import solution"))
    try:
        module = __import__("solution")
        namespace = {k: v for k, v in vars(module).items() if not k.startswith("__")}
    except BaseException as exc:
        failed("import solution", exc, 0)
    namespace.update(__name__="hidden_tests", __builtins__=builtins, solution=module)
    send("R", _hex("hidden tests (top level)"))
    try:
        exec(code, namespace)
    except BaseException as exc:
        failed(_where_top_level(exc), exc, 0)
    for done, name in enumerate(names):
        send("R", _hex(name))
        test = namespace.get(name)
        try:
            if not callable_(test):
                raise TypeError(f"{name} is not a function after the tests ran")
            test()
        except BaseException as exc:
            failed(name, exc, done)
    if violations:
        finish("blocked", len(names), f"blocked {violations[0]}")
    finish("passed", len(names), "")


def _hook(workdir: str, deny_read: list[str], violations: list[str]) -> Callable[[str, tuple[Any, ...]], None]:
    """The audit hook: refuse processes, network, signals, ctypes, introspection and writes outside `workdir`.

    A tripwire, bound to the functions it needs before the code runs: the kernel layers are the boundary.
    """
    realpath, join, dirname, fspath, fsdecode = (os.path.realpath, os.path.join, os.path.dirname, os.fspath,
                                                 os.fsdecode)
    getcwd, isdir, str_, int_, bytes_, isinstance_ = os.getcwd, os.path.isdir, str, int, bytes, isinstance
    allow_read = tuple(realpath(p) for p in (sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix,
                                              *sys.path) if p)
    deny = tuple(deny_read)
    home = (workdir,)

    def under(path: str, roots: tuple[str, ...]) -> bool:
        return any(path == r or path.startswith(r + "/") for r in roots)

    def refuse(what: str) -> NoReturn:
        if len(violations) < 8:
            violations.append(what)
        raise Blocked(what)

    def text(arg: object) -> str | None:
        if isinstance_(arg, (str_, bytes_)) or hasattr(arg, "__fspath__"):
            return fsdecode(fspath(arg))  # type: ignore[call-overload]
        return None

    def resolve(raw: str, follow: bool) -> str:
        absolute = join(getcwd(), raw)
        if follow:
            return realpath(absolute)
        return join(realpath(dirname(absolute)), absolute.rsplit("/", 1)[-1])

    def writable(path: str) -> bool:
        return path == "/dev/null" or under(path, home)

    def climbs(raw: str) -> bool:  # "..": with a dir_fd it may not mean what it means from the cwd
        return not raw.startswith("/") and ".." in raw.split("/")

    def on_open(args: tuple[Any, ...]) -> None:
        raw = text(args[0])
        if raw is None:
            return
        mode, flags = args[1], args[2] if len(args) > 2 else 0
        if (isinstance_(mode, str_) and any(c in mode for c in "wax+")) or (
                isinstance_(flags, int_) and flags & WRITE_FLAGS):
            path = resolve(raw, True)
            if climbs(raw) or not writable(path):
                refuse(f"writing {path}")
            return
        path = resolve(raw, True)
        if under(path, home) or under(path, allow_read):
            return
        if under(path, deny) or (path.startswith("/dev/") and path not in DEV_OK):
            refuse(f"reading {path}")
        if mode is None and isdir(path):  # os.open of a folder: a dir_fd to write through
            refuse(f"opening folder {path}")

    def on_path(event: str, args: tuple[Any, ...]) -> None:
        written, dir_fds = PATH_EVENTS[event]
        relative = any(isinstance_(args[i], int_) and args[i] >= 0 for i in dir_fds if i < len(args))
        for i in written:
            raw = text(args[i]) if i < len(args) else None
            if raw is None:
                continue
            if relative and climbs(raw):
                refuse(f"{event} {raw} relative to a folder descriptor")
            path = resolve(raw, False)
            if not writable(path):
                refuse(f"{event} {path}")
            if event == "os.symlink":
                target = text(args[0])
                if target is not None and not writable(realpath(join(dirname(path), target))):
                    refuse(f"symlink to {target}")

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            on_open(args)
        elif event in REFUSED or event.startswith("ctypes."):
            refuse(event + (f" {args[0]!r}" if event.startswith("socket.") and args else ""))
        elif event in PATH_EVENTS:
            on_path(event, args)

    return hook


def _test_names(code: CodeType) -> list[str]:
    """The test_* functions the hidden tests define at top level, in source order."""
    found = sorted((c for c in code.co_consts if isinstance(c, CodeType) and c.co_name.startswith("test_")),
                   key=lambda c: c.co_firstlineno)
    return list(dict.fromkeys(c.co_name for c in found))


def _where_top_level(exc: BaseException) -> str:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TESTS_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f"hidden tests line {line}" if line else "hidden tests (top level)"


def _describe(where: str, exc: BaseException, tests: str) -> str:
    """`where: Type: message` and the tail of the traceback, without the bootstrap's own frames."""
    head = f"{where}: {type(exc).__name__}"
    try:
        message = str(exc)
        head += f": {message}" if message else ""
        import linecache
        import traceback

        linecache.cache[TESTS_FILE] = (len(tests), None, tests.splitlines(True), TESTS_FILE)
        te = traceback.TracebackException(type(exc), exc, exc.__traceback__, limit=-12)
        te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename != __file__])
        tail = "".join(te.format()).rstrip()
        return (head[:500] + "\n" + tail[-1500:]).strip()
    except BaseException:
        return head[:500]


def _hex(text: str) -> str:
    return text.encode("utf-8", "replace").hex() or "-"


def _send(nonce: str, *parts: str) -> None:
    try:  # noqa: SIM105 (contextlib costs an import)
        os.write(STATUS_FD, (nonce + " " + " ".join(parts) + "\n").encode("ascii"))
    except OSError:
        pass


if __name__ == "__main__":
    main()
