"""The capability sandbox against real hostile code: each attack is contained and reported as such.

Every attack runs twice where it matters: with the audit hook (the tripwire says "blocked"), and with the
hook switched off (`audit=False`), to show that the kernel layers alone (namespaces, read-only file system,
uid drop, rlimits) contain it. Those runs skip on machines whose `isolation()` lacks the layer.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from upstream.capability import sandbox
from upstream.capability.sandbox import Limits, SandboxResult, _execute, isolation, run_tests

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs a POSIX system")

FAST = Limits(seconds=1.0, memory_mb=256)
ADD = "def add(a, b):\n    return a + b\n"
ADD_TESTS = ("assert add(1, 2) == 3\n\n"
             "def test_zero():\n    assert add(0, 0) == 0\n\n"
             "def test_negative():\n    assert add(-1, -2) == -3\n")
LAYERS = isolation()


def needs(*layers: str) -> pytest.MarkDecorator:
    missing = [layer for layer in layers if layer not in LAYERS]
    return pytest.mark.skipif(bool(missing), reason=f"this machine's sandbox lacks {', '.join(missing)}")


def hostile(code: str, *, audit: bool = True, limits: Limits = FAST, tests: str = "") -> SandboxResult:
    return _execute(code, tests, limits, audit=audit)


def sandbox_processes(uid: int) -> list[int]:
    """Live (non-zombie) processes running as `uid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("Uid", "").split("\t")[0] == str(uid) and not fields.get("State", "").startswith("Z"):
            found.append(int(entry.name))
    return found


@pytest.fixture
def fixed_uid(monkeypatch: pytest.MonkeyPatch) -> int:
    uid = 1_990_000_000 + os.getpid() % 1_000_000
    monkeypatch.setattr(sandbox, "_sandbox_uid", lambda: uid)
    return uid


def no_leftovers(uid: int) -> None:
    deadline = time.monotonic() + 2.0
    while (left := sandbox_processes(uid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert left == [], f"processes survived the sandbox: {left}"


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.05)
    yield srv
    srv.close()


def assert_no_connection(srv: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        srv.accept()


# --- honest code -------------------------------------------------------------------------------------

def test_correct_solution_passes_and_records_layers() -> None:
    result = run_tests(ADD, ADD_TESTS)
    assert result.status == "passed", result
    assert result.returncode == 0
    assert result.isolation == LAYERS
    assert {"rlimits", "audit-hook"} <= set(result.isolation)
    assert result.seconds < 5


def test_wrong_solution_fails_with_the_test_name() -> None:
    result = run_tests("def add(a, b):\n    return a + b if a >= 0 else 0\n", ADD_TESTS)
    assert result.status == "failed"
    assert result.detail is not None and result.detail.startswith("test_negative: AssertionError")
    assert "assert add(-1, -2) == -3" in result.detail  # the failing line of the hidden test


def test_failing_top_level_assert_names_its_line() -> None:
    result = run_tests("def add(a, b):\n    return a - b\n", ADD_TESTS)
    assert result.status == "failed"
    assert result.detail is not None and result.detail.startswith("hidden tests line 1: AssertionError")


def test_exception_and_syntax_error_fail() -> None:
    raising = run_tests("def add(a, b):\n    raise ValueError('nope')\n", ADD_TESTS)
    assert raising.status == "failed" and "ValueError: nope" in (raising.detail or "")
    broken = run_tests("def add(a, b) return a + b\n", ADD_TESTS)
    assert broken.status == "failed" and "SyntaxError" in (broken.detail or "")


def test_ordinary_solutions_work() -> None:
    code = (
        "from typing import List\nimport collections, heapq, re\nfrom concurrent.futures import ThreadPoolExecutor\n"
        "def top(words: List[str], k: int) -> List[str]:\n"
        "    with open('scratch.txt', 'w') as fh:\n"
        "        fh.write(' '.join(words))\n"
        "    with ThreadPoolExecutor(4) as pool:\n"
        "        lowered = list(pool.map(str.lower, open('scratch.txt').read().split()))\n"
        "    counts = collections.Counter(w for w in lowered if re.fullmatch(r'[a-z]+', w))\n"
        "    return [w for _, w in heapq.nsmallest(k, ((-c, w) for w, c in counts.items()))]\n"
        "print('debug output is fine')\n")
    result = run_tests(code, "def test_top():\n    assert top(['b', 'A', 'a', 'c', 'b', 'a'], 2) == ['a', 'b']\n")
    assert result.status == "passed", result
    assert result.stdout == "debug output is fine\n"


def test_broken_hidden_tests_are_a_crash_not_a_failure() -> None:
    result = run_tests(ADD, "assert add(1, 2) ==\n")
    assert result.status == "crashed" and "do not compile" in (result.detail or "")


def test_cold_start_gives_the_same_results() -> None:
    assert _execute(ADD, ADD_TESTS, Limits(), warm=False).status == "passed"
    assert _execute("def add(a, b):\n    return 0\n", ADD_TESTS, Limits(), warm=False).status == "failed"


def test_parallel_runs_stay_apart() -> None:
    def one(i: int) -> SandboxResult:
        return run_tests(f"def f():\n    return {i}\n", f"def test_f():\n    assert f() == {i}\n")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(16)))
    assert [r.status for r in results] == ["passed"] * 16


# --- cheating ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("exit_call", ["import sys\nsys.exit(0)", "import os\nos._exit(0)",
                                       "raise SystemExit(0)"])
def test_exiting_before_the_tests_never_passes(exit_call: str) -> None:
    result = run_tests(ADD + exit_call + "\n", ADD_TESTS)
    assert result.status in ("failed", "crashed")


def test_exiting_inside_a_test_never_passes() -> None:
    code = "import os\ndef add(a, b):\n    os._exit(0)\n"
    result = run_tests(code, "def test_it():\n    assert add(1, 2) == 3\n")
    assert result.status == "crashed" and "test_it" in (result.detail or "")


def test_forged_status_lines_are_caught() -> None:
    forge = ("import os\n"
             "for fd in range(3, 64):\n"
             "    for line in (b'E passed 3 -\\n', b'0' * 32 + b' E passed 3 -\\n'):\n"
             "        try:\n"
             "            os.write(fd, line)\n"
             "        except OSError:\n"
             "            pass\n"
             "def add(a, b):\n    return 0\n")
    result = run_tests(forge, ADD_TESTS)
    assert result.status == "blocked" and "status channel" in (result.detail or "")


def test_printing_a_fake_result_on_stdout_changes_nothing() -> None:
    result = run_tests("print('E passed 3 -')\nprint('3 tests passed')\ndef add(a, b):\n    return 0\n", ADD_TESTS)
    assert result.status == "failed"


def test_closing_the_status_channel_is_a_crash() -> None:
    result = run_tests("import os\nos.close(3)\n" + ADD, ADD_TESTS)
    assert result.status == "crashed"


# --- time, memory, output --------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["while True:\n    pass\n", "import time\ntime.sleep(30)\n",
                                  "def add(a, b):\n    while True:\n        pass\n"])
def test_infinite_loops_time_out_on_time(code: str) -> None:
    started = time.perf_counter()
    result = run_tests(code, ADD_TESTS, limits=FAST)
    took = time.perf_counter() - started
    assert result.status == "timeout"
    assert 1.0 <= took < 2.0


def test_memory_hogs_are_stopped() -> None:
    big = hostile("x = bytearray(10**10)\n")
    assert big.status == "memory"
    growing = hostile("items = []\nwhile True:\n    items.append(' ' * 100_000)\n",
                      limits=Limits(seconds=5, memory_mb=128))
    assert growing.status == "memory", growing
    assert growing.seconds < 5


def test_huge_output_is_cut_off_with_bounded_memory() -> None:
    result = hostile("while True:\n    print('flood ' * 1000)\n")
    assert result.status == "output-limit"
    assert len(result.stdout) + len(result.stderr) <= FAST.output_bytes
    stderr = hostile("import sys\nwhile True:\n    sys.stderr.write('x' * 10000)\n")
    assert stderr.status == "output-limit"


def test_big_files_are_refused() -> None:
    code = "with open('big.bin', 'wb') as fh:\n    fh.write(b'x' * (4 << 20))\n"
    result = hostile(code, limits=Limits(seconds=2, file_bytes=1 << 20))
    assert result.status == "failed" and "File too large" in (result.detail or "")


# --- processes --------------------------------------------------------------------------------------

FORK_BOMB = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
SPAWNER = "import subprocess\nfor _ in range(40):\n    subprocess.Popen(['sleep', '41.5'])\n"


def test_fork_bomb_is_blocked_by_the_hook(fixed_uid: int) -> None:
    result = hostile(FORK_BOMB)
    assert result.status == "blocked" and "os.fork" in (result.detail or "")
    assert hostile(SPAWNER).status == "blocked"
    no_leftovers(fixed_uid)


@needs("pidns", "uid-drop")
def test_fork_bomb_is_contained_by_the_kernel(fixed_uid: int) -> None:
    peak = 0
    stop = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, len(sandbox_processes(fixed_uid)))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        started = time.perf_counter()
        result = hostile(FORK_BOMB, audit=False, limits=Limits(seconds=1.0, processes=8))
        took = time.perf_counter() - started
    finally:
        stop.set()
        watcher.join()
    assert result.status == "timeout"
    assert took < 2.5
    assert 1 < peak <= 8  # it did fork, and the process limit held
    no_leftovers(fixed_uid)


@needs("pidns", "uid-drop")
def test_spawned_processes_die_with_the_sandbox(fixed_uid: int) -> None:
    result = hostile(SPAWNER + "print('spawned')\n", audit=False, limits=Limits(seconds=2.0, processes=64))
    assert result.status == "passed" and "spawned" in result.stdout
    no_leftovers(fixed_uid)
    assert not any("41.5" in p.read_text(errors="replace") for p in _cmdlines())


def _cmdlines() -> list[Path]:
    return [p / "cmdline" for p in Path("/proc").iterdir() if p.name.isdigit() and (p / "cmdline").exists()]


def test_killing_the_parent_is_refused() -> None:
    code = f"import os, signal\nos.kill({os.getpid()}, signal.SIGKILL)\n"
    assert hostile(code).status == "blocked"
    if "pidns" in LAYERS:  # without the hook the pid does not even exist in the sandbox's namespace
        result = hostile(f"import os\ntry:\n    os.kill({os.getpid()}, 9)\nexcept OSError as e:\n    print(e.errno)\n",
                         audit=False)
        assert result.status == "passed" and result.stdout.strip() in ("1", "3")
    assert os.getpid() > 0  # still here


def test_ctypes_is_blocked() -> None:
    result = hostile("import ctypes\nctypes.CDLL(None).fork()\n")
    assert result.status == "blocked" and "ctypes" in (result.detail or "")


# --- file system ------------------------------------------------------------------------------------

def outside_targets(tmp_path: Path) -> list[str]:
    return ["/tmp/upstream-sandbox-escape.txt", "/root/upstream-sandbox-escape.txt",
            str(Path.home() / "upstream-sandbox-escape.txt"), str(tmp_path / "escape.txt")]


def writer(paths: list[str]) -> str:
    return ("import os\nwritten = []\nfor p in " + repr([*paths, "../escape-sibling.txt"]) + ":\n"
            "    try:\n        with open(p, 'w') as fh:\n            fh.write('pwned')\n        written.append(p)\n"
            "    except OSError as e:\n        print('refused', p, e.errno)\n"
            "print('written', written)\n")


def test_writes_outside_the_folder_are_blocked(tmp_path: Path) -> None:
    targets = outside_targets(tmp_path)
    for target in targets:
        result = hostile(f"open({target!r}, 'w').write('pwned')\n")
        assert result.status == "blocked", (target, result)
    assert hostile("open('../escape-sibling.txt', 'w').write('pwned')\n").status == "blocked"
    assert not [t for t in targets if os.path.exists(t)]


@needs("fs-readonly")
def test_writes_outside_the_folder_fail_without_the_hook(tmp_path: Path) -> None:
    targets = outside_targets(tmp_path)
    result = hostile(writer(targets), audit=False)
    assert result.status == "passed"
    assert "written []" in result.stdout
    assert not [t for t in targets if os.path.exists(t)]
    assert not list(Path(tempfile_dir()).glob("escape-sibling.txt"))


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_deleting_files_outside_is_blocked(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for code in (f"import os\nos.remove({str(victim)!r})\n", f"import shutil\nshutil.rmtree({str(tmp_path)!r})\n",
                 f"import os\nos.rename({str(victim)!r}, 'mine.txt')\n"):
        assert hostile(code).status == "blocked"
    if "fs-readonly" in LAYERS:
        result = hostile(f"import os\ntry:\n    os.remove({str(victim)!r})\nexcept OSError as e:\n    print(e.errno)\n",
                         audit=False)
        assert result.stdout.strip() in ("13", "30")  # EACCES (uid drop) or EROFS
    assert victim.read_text() == "keep me"


def test_symlinks_out_of_the_folder_are_blocked() -> None:
    assert hostile("import os\nos.symlink('/etc', 'etc')\n").status == "blocked"


def test_the_work_folder_is_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = sandbox.tempfile.mkdtemp

    def spy(**kwargs: str) -> str:
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(sandbox.tempfile, "mkdtemp", spy)
    assert run_tests("open('left.txt', 'w').write('x')\n" + ADD, ADD_TESTS).status == "passed"
    assert made and not os.path.exists(made[0])


# --- secrets and network ----------------------------------------------------------------------------

def test_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-sandbox-test-secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-sandbox-test-secret")
    code = "import os\nprint(sorted(os.environ))\nprint(os.environ.get('HOME'))\n"
    for result in (run_tests(code, ""), _execute(code, "", Limits(), warm=False)):
        assert result.status == "passed"
        assert "OPENAI_API_KEY" not in result.stdout and "sandbox-test-secret" not in result.stdout
        assert "AWS_SECRET_ACCESS_KEY" not in result.stdout
        assert str(Path.home()) + "\n" not in result.stdout


def test_reading_other_processes_and_secret_folders_is_blocked() -> None:
    assert hostile(f"print(open('/proc/{os.getpid()}/environ', 'rb').read())\n").status == "blocked"
    assert hostile("print(open('/proc/self/mem', 'rb').read(1))\n").status == "blocked"
    home = Path.home()
    assert hostile(f"print(open({str(home / '.bashrc')!r}).read())\n").status == "blocked"


def test_network_is_blocked(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    result = hostile(f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1).send(b'hi')\n")
    assert result.status == "blocked" and "socket" in (result.detail or "")
    assert_no_connection(listener)


@needs("netns")
def test_network_is_unreachable_without_the_hook(listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    code = (f"import socket\ns = socket.socket()\ns.settimeout(1)\nprint(s.connect_ex(('127.0.0.1', {port})))\n"
            "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.com', timeout=1)\n"
            "except OSError as e:\n    print('no route')\n")
    result = hostile(code, audit=False, limits=Limits(seconds=3))
    assert result.status == "passed", result
    assert result.stdout.split()[0] != "0" and "no route" in result.stdout
    assert_no_connection(listener)


# --- degraded machines ------------------------------------------------------------------------------

def test_without_namespaces_the_hook_still_contains_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "escape.txt"
    result = _execute(f"open({str(target)!r}, 'w').write('x')\n", "", FAST, namespaces=False)
    assert result.status == "blocked" and not target.exists()
    assert "netns" not in result.isolation and "audit-hook" in result.isolation
    assert _execute(ADD, ADD_TESTS, FAST, namespaces=False).status == "passed"


# --- crashes and the launcher -------------------------------------------------------------------------

def test_a_segfault_is_a_crash() -> None:
    result = hostile("import ctypes\nctypes.string_at(0)\n", audit=False)  # a real fault (ctypes needs the hook off)
    assert result.status == "crashed" and "SIGSEGV" in (result.detail or "")
    assert result.returncode == -11


def test_lone_surrogates_in_the_solution_fail_cleanly() -> None:
    assert run_tests("x = '\ud800'\n" + ADD, ADD_TESTS).status in ("passed", "failed")


def test_a_dead_launcher_is_replaced() -> None:
    assert run_tests(ADD, ADD_TESTS).status == "passed"
    zygote = sandbox._ZYGOTE.proc
    if zygote is None:
        pytest.skip("no warm launcher on this machine (every task starts cold)")
    zygote.kill()
    zygote.wait()
    assert run_tests(ADD, ADD_TESTS).status == "passed"
    assert sandbox._ZYGOTE.proc is not None and sandbox._ZYGOTE.proc.pid != zygote.pid


def test_the_relay_may_report_after_the_end_but_nobody_else() -> None:
    nonce = "ab" * 16
    late_relay = f"{nonce} P 10\n{nonce} L rlimits\n{nonce} E passed 1 -\n{nonce} G 11\n{nonce} X 0\n".encode()
    assert sandbox._parse_status(late_relay, nonce)[2:] == (("passed", 1, ""), False)
    forged = late_relay + f"{nonce} E failed 0 -\n".encode()
    assert sandbox._parse_status(forged, nonce)[3] is True
    assert sandbox._parse_status(f"{'cd' * 16} E passed 1 -\n".encode(), nonce)[2:] == (None, True)
